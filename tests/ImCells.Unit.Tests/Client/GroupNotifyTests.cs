using ImCells.Protos.Client;

namespace ImCells.Unit.Tests.Client;

/// <summary>GroupNew notifies reach <c>GroupEntries</c> in arrival order, each (group, seq) once.</summary>
public sealed class GroupNotifyTests : ConnectedClientTest
{
    [Fact]
    public async Task PushedEntries_SurfaceOnce_MessagesAndEventsAlike()
    {
        await Server.PushAsync(New(Message(90_000_001, 1)));
        await Server.PushAsync(New(Added(90_000_001, 2, 11_000_002)));
        // Pushed again (the sender's own device, or after a reconnect): dropped.
        await Server.PushAsync(New(Message(90_000_001, 1)));
        // The same seq in another group is another entry.
        await Server.PushAsync(New(Message(90_000_002, 1)));
        await Server.PushAsync(new Frame { GroupNew = new GroupNew() });
        await Server.PushAsync(New(Message(90_000_001, 3)));

        var seen = new List<(ulong, ulong)>();
        while (seen.Count < 4)
        {
            var entry = await Client.GroupEntries.ReadAsync(Ct);
            seen.Add((entry.Group, entry.Seq));
        }

        Assert.Equal([(90_000_001UL, 1UL), (90_000_001UL, 2UL), (90_000_002UL, 1UL), (90_000_001UL, 3UL)], seen);
        Assert.False(Client.GroupEntries.TryRead(out var extra), $"({extra?.Group}, {extra?.Seq}) surfaced twice");
        // Group entries are not mailbox messages.
        Assert.False(Client.Messages.TryRead(out _));
    }

    [Fact]
    public async Task DisposedClient_CompletesTheChannel()
    {
        await Client.DisposeAsync();

        await Client.GroupEntries.Completion.WaitAsync(Ct);
    }

    private static Frame New(GroupEntry entry) => new() { GroupNew = new GroupNew { Entry = entry } };

    private static GroupEntry Message(ulong group, ulong seq) =>
        new() { Group = group, Seq = seq, Id = $"g{group}-{seq}", From = 10_000_002, Text = $"text {seq}" };

    private static GroupEntry Added(ulong group, ulong seq, ulong member) => new()
    {
        Group = group,
        Seq = seq,
        From = 10_000_002,
        Event = new GroupEvent { Kind = GroupEvent.Types.Kind.Added, Members = { member }, Role = GroupRole.Member },
    };
}
