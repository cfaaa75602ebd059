using ImCells.Registry.Hlr;

namespace ImCells.Unit.Tests.Hlr;

public sealed class WalCheckpointerTests
{
    /// <summary>
    /// The writer no longer checkpoints inside its commits; under writes that never pause, the WAL
    /// is still copied back and starts over instead of growing for ever.
    /// </summary>
    [Fact]
    public async Task SteadyWrites_WalIsCopiedBackAndStartsOver()
    {
        await using var hlr = await TempHlr.CreateAsync();
        var alice = await hlr.AddUserAsync("alice");
        var bob = await hlr.AddUserAsync("bob");
        var shm = hlr.DatabasePath + "-shm";

        // Writers that never pause, as under load: some frames are always newer than a background pass.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await hlr.Mailboxes.SendLocalAsync(
                    new RoutedMessage($"m{w}-{i}", alice, bob, $"text {i}", 1), $"c{w}-{i}", null, CancellationToken.None);
            }
        })).ToArray();

        uint highest = 0;
        var restarted = false;
        while (!stop.IsCancellationRequested && !restarted)
        {
            await Task.Delay(5);
            if (WalIndexHeader.Read(shm) is { } header)
            {
                restarted = header.MaxFrame < highest;
                highest = Math.Max(highest, header.MaxFrame);
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers);
        Assert.True(restarted, $"the WAL never started over (up to {highest} frames)");
    }
}
