namespace ImCells.Cli.Commands;

/// <summary>imcells register: allocates a user number and prints it alone.</summary>
internal static class RegisterCommand
{
    public static async Task<int> RunAsync(string[] argv)
    {
        var args = CliArgs.Parse(argv, ["--name", "--password", "--cell", .. LoginUrl.Options, UserArgs.Device]);
        var name = args.Required("--name");
        var password = args.Required("--password");
        var cell = args.Optional("--cell");
        using var api = LoginUrl.OpenApi(args);
        var userId = await api.RegisterAsync(name, password, cell);
        Console.WriteLine(userId);
        return 0;
    }
}
