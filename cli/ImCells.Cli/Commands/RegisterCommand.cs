using System.CommandLine;
using ImCells.Cli.CommandLine;

namespace ImCells.Cli.Commands;

/// <summary>
/// imcells register: allocates a user number and prints it alone. The registration carries a request
/// id (--request-id, else a fresh one): a lost reply is asked again with it and returns the same number.
/// </summary>
internal static class RegisterCommand
{
    public static Command Build() => new CommandBuilder("register", "register a new user; prints the new user number alone")
        .Value("--name", "NAME", "the new user's display name", required: true)
        .Value(UserArgs.Password, "PW", "the new user's password", required: true)
        .Value(UserArgs.Cell, "ID", "the cell to register in (default: one the login server picks)")
        .Value("--request-id", "ID", "makes a retry idempotent: the same id returns the same number (default: a fresh one)")
        .Login()
        .Run(RunAsync);

    private static async Task<int> RunAsync(CliArgs args)
    {
        var name = args.Required("--name");
        var password = args.Required("--password");
        var cell = args.Optional("--cell");
        var requestId = args.Optional("--request-id");
        using var api = LoginUrl.OpenApi(args);
        var userId = await api.RegisterAsync(name, password, cell, requestId);
        Console.WriteLine(userId);
        return 0;
    }
}
