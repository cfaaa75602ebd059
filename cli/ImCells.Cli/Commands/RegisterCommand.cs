namespace ImCells.Cli.Commands;

/// <summary>
/// imcells register: allocates a user number and prints it alone. The registration carries a request
/// id (--request-id, else a fresh one): a lost reply is asked again with it and returns the same number.
/// </summary>
internal static class RegisterCommand
{
    public static async Task<int> RunAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, ["--name", "--password", "--cell", "--request-id", .. LoginUrl.Options, UserArgs.Device]);
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
