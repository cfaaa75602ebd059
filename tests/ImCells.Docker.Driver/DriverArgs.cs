using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using ImCells.Client;

namespace ImCells.Docker.Driver;

/// <summary>"--name value" pairs of one driver command, and the client options they make.</summary>
internal sealed class DriverArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public DriverArgs(IReadOnlyList<string> args)
    {
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            }

            _values[args[i]] = args[i + 1];
        }

        if (args.Count % 2 != 0)
        {
            throw new ArgumentException($"'{args[^1]}' has no value");
        }
    }

    public string Text(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"{name} is required");

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    public ulong Number(string name) => ulong.Parse(Text(name), CultureInfo.InvariantCulture);

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    /// <summary>A client of --user with --password, via --login, trusting the cluster CA in --ca; --prefer-cell roams.</summary>
    public ImClientOptions ClientOptions(string device) => new()
    {
        LoginUrl = Text("--login"),
        TrustedCa = X509CertificateLoader.LoadCertificateFromFile(Text("--ca")),
        UserId = Number("--user"),
        Password = Text("--password"),
        DeviceId = Optional("--device") ?? device,
        PreferCell = Optional("--prefer-cell"),
        AutoReconnect = true,
    };
}
