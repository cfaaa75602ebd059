using ImCells.Cell.Delivery;
using ImCells.Cell.Presence;
using Microsoft.Extensions.Time.Testing;
using CellProto = ImCells.Protos.Cell;
using ClientPresence = ImCells.Protos.Client.Presence;

namespace ImCells.Unit.Tests.Presence;

public sealed class RemotePresenceTests
{
    private const ulong User = 20_000_001;
    private const ulong Watcher = 10_000_001;
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(90);
    private readonly FakeTimeProvider _time = new();
    private readonly SessionRegistry _sessions = new();
    private readonly RemotePresence _presence;

    public RemotePresenceTests() => _presence = new RemotePresence(new Notifier(_sessions), _time);

    [Theory]
    [InlineData(ClientPresence.Online)]
    [InlineData(ClientPresence.Away)]
    public void NotRefreshedWithinTtl_TurnsOfflineExactlyAtTheTtl(ClientPresence presence)
    {
        _presence.Apply(Batch(presence, refresh: false));
        Assert.Equal((presence, 1234L), _presence.Get(User));

        _time.Advance(Ttl - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_presence.ExpireDue());
        Assert.Equal(presence, _presence.Get(User).Presence);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([User], _presence.ExpireDue());
        Assert.Equal((ClientPresence.Offline, 1234L), _presence.Get(User));

        _time.Advance(Ttl);
        Assert.Empty(_presence.ExpireDue()); // offline once, not again
    }

    [Fact]
    public void Refresh_PushesTheExpiryBackByATtl()
    {
        _presence.Apply(Batch(ClientPresence.Online, refresh: false));
        _time.Advance(TimeSpan.FromSeconds(60));
        _presence.Apply(Batch(ClientPresence.Online, refresh: true));

        _time.Advance(TimeSpan.FromSeconds(89));
        Assert.Empty(_presence.ExpireDue());
        Assert.Equal(ClientPresence.Online, _presence.Get(User).Presence);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([User], _presence.ExpireDue());
    }

    [Fact]
    public void Offline_NeverExpires()
    {
        _presence.Apply(Batch(ClientPresence.Offline, refresh: false));

        _time.Advance(TimeSpan.FromDays(1));

        Assert.Empty(_presence.ExpireDue());
        Assert.Equal((ClientPresence.Offline, 1234L), _presence.Get(User));
    }

    [Fact]
    public void Seeded_ExpiresAfterItsOwnTtl()
    {
        _presence.Seed(User, ClientPresence.Online, 99, TimeSpan.FromSeconds(5), Watcher);

        _time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.Empty(_presence.ExpireDue());

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([User], _presence.ExpireDue());
        Assert.Equal((ClientPresence.Offline, 99L), _presence.Get(User));
    }

    [Fact]
    public void NeverHeardOf_IsOffline()
    {
        Assert.Equal((ClientPresence.Offline, 0L), _presence.Get(User));
        Assert.Empty(_presence.ExpireDue());
    }

    [Fact]
    public async Task Expiry_TellsTheWatchers()
    {
        var watcher = await WatcherConnection.OpenAsync(_sessions, Watcher, _time);
        _presence.Apply(Batch(ClientPresence.Online, refresh: false));
        var online = await watcher.NextPresenceAsync();
        Assert.Equal((User, ClientPresence.Online), (online.User, online.Presence));

        _time.Advance(Ttl);
        _presence.ExpireDue();

        var offline = await watcher.NextPresenceAsync();
        Assert.Equal((User, ClientPresence.Offline, 1234L), (offline.User, offline.Presence, offline.LastSeenMs));
    }

    private static CellProto.PresenceBatchRequest Batch(ClientPresence presence, bool refresh)
    {
        var batch = new CellProto.PresenceBatchRequest { FromCell = "b", Refresh = refresh, TtlMs = (long)Ttl.TotalMilliseconds };
        var item = new CellProto.PresenceItem { User = User, Presence = presence, LastSeenMs = 1234 };
        item.Watchers.Add(Watcher);
        batch.Items.Add(item);
        return batch;
    }
}
