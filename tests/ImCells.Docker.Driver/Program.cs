using ImCells.Docker.Driver;

// The Docker tests' client, run inside a container on the cluster's network:
//   send     --login URL --ca FILE --user U --password P --to V --tag T [--count N] [--pace-ms MS] [--retry-seconds S]
//   receive  --login URL --ca FILE --user U --password P --from V --tag T [--count N] [--timeout-seconds S] [--prefer-cell C]
//   presence --login URL --ca FILE --user U --password P --watch V [--changes K] [--seconds S]
// Every command ends by itself (bounded); what it saw is JSON lines on stdout (Report).
using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(10));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    var options = new DriverArgs(args.Skip(1).ToArray());
    return args.FirstOrDefault() switch
    {
        "send" => await SendCommand.RunAsync(options, stop.Token),
        "receive" => await ReceiveCommand.RunAsync(options, stop.Token),
        "presence" => await PresenceCommand.RunAsync(options, stop.Token),
        var other => throw new ArgumentException($"unknown command '{other}': send, receive or presence"),
    };
}
catch (Exception e)
{
    Report.Event("error", new { message = $"{e.GetType().Name}: {e.Message}" });
    return 2;
}
