using ImCells.Client;

namespace ImCells.Cli.Commands;

/// <summary>The options every command acting as a user shares: who, with which password, where.</summary>
internal static class UserArgs
{
    public const string User = "--user";
    public const string Password = "--password";
    public const string Device = "--device";
    public const string DefaultDevice = "cli";

    /// <summary>The default device of `chat`: one-shot commands of the same user must not kick it.</summary>
    public const string ChatDevice = "chat";

    public static readonly string[] Options = [User, Password, Device, LoginUrl.Option];

    public static string[] With(params string[] more) => [.. Options, .. more];

    public static ImClientOptions ToClientOptions(CliArgs args, string defaultDevice = DefaultDevice) => new()
    {
        LoginUrl = LoginUrl.Resolve(args),
        UserId = args.RequiredUInt64(User),
        Password = args.Required(Password),
        DeviceId = args.Optional(Device) ?? defaultDevice,
    };
}
