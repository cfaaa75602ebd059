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
    private const ulong Other = 10_000_002;
    private const ulong Marker = 10_000_999;
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
        Assert.Equal((presence, 1234L), _presence.Get(User, Watcher));

        _time.Advance(Ttl - TimeSpan.FromMilliseconds(1));
        Assert.Empty(_presence.ExpireDue());
        Assert.Equal(presence, _presence.Get(User, Watcher).Presence);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([User], _presence.ExpireDue());
        Assert.Equal((ClientPresence.Offline, 1234L), _presence.Get(User, Watcher));

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
        Assert.Equal(ClientPresence.Online, _presence.Get(User, Watcher).Presence);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([User], _presence.ExpireDue());
    }

    [Fact]
    public void Offline_NeverExpires()
    {
        _presence.Apply(Batch(ClientPresence.Offline, refresh: false));

        _time.Advance(TimeSpan.FromDays(1));

        Assert.Empty(_presence.ExpireDue());
        Assert.Equal((ClientPresence.Offline, 1234L), _presence.Get(User, Watcher));
    }

    [Fact]
    public void Seeded_ExpiresAfterItsOwnTtl()
    {
        _presence.Seed(User, ClientPresence.Online, 99, TimeSpan.FromSeconds(5), Watcher);

        _time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.Empty(_presence.ExpireDue());

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([User], _presence.ExpireDue());
        Assert.Equal((ClientPresence.Offline, 99L), _presence.Get(User, Watcher));
    }

    [Fact]
    public void NeverHeardOf_IsOffline()
    {
        Assert.Equal((ClientPresence.Offline, 0L), _presence.Get(User, Watcher));
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

    [Fact]
    public void NotNamedByTheHomeCell_SeesOfflineWithoutLastSeen()
    {
        _presence.Apply(Batch(ClientPresence.Online, refresh: false));

        Assert.Equal((ClientPresence.Online, 1234L), _presence.Get(User, Watcher));
        Assert.Equal((ClientPresence.Offline, 0L), _presence.Get(User, Other));
    }

    [Fact]
    public async Task HiddenFrom_ToldOfflineAtOnce_SeesNothingAfter_OtherWatchersNotToldAgain()
    {
        var watcher = await WatcherConnection.OpenAsync(_sessions, Watcher, _time);
        var other = await WatcherConnection.OpenAsync(_sessions, Other, _time);
        _presence.Apply(Batch(ClientPresence.Online, refresh: false, watchers: [Watcher, Other]));
        Assert.Equal(ClientPresence.Online, (await watcher.NextPresenceAsync()).Presence);
        Assert.Equal(ClientPresence.Online, (await other.NextPresenceAsync()).Presence);

        // The user blocked Watcher: its home cell re-announces without it, naming it as hidden.
        _presence.Apply(Batch(ClientPresence.Online, refresh: true, watchers: [Other], hiddenFrom: [Watcher]));

        var hidden = await watcher.NextPresenceAsync();
        Assert.Equal((User, ClientPresence.Offline, 0L), (hidden.User, hidden.Presence, hidden.LastSeenMs));
        Assert.Equal((ClientPresence.Offline, 0L), _presence.Get(User, Watcher));
        Assert.Equal((ClientPresence.Online, 1234L), _presence.Get(User, Other));
        await AssertNextIsMarkerAsync(other, Other);

        // Later changes reach the watchers named, not the hidden one.
        _presence.Apply(Batch(ClientPresence.Away, refresh: false, watchers: [Other]));
        Assert.Equal(ClientPresence.Away, (await other.NextPresenceAsync()).Presence);
        await AssertNextIsMarkerAsync(watcher, Watcher);
    }

    [Fact]
    public async Task Refresh_NamingAWatcherAgain_TellsOnlyItTheCurrentState()
    {
        var watcher = await WatcherConnection.OpenAsync(_sessions, Watcher, _time);
        var other = await WatcherConnection.OpenAsync(_sessions, Other, _time);
        _presence.Apply(Batch(ClientPresence.Online, refresh: false, watchers: [Other]));
        Assert.Equal(ClientPresence.Online, (await other.NextPresenceAsync()).Presence);

        // Unblocked: the home cell names Watcher again.
        _presence.Apply(Batch(ClientPresence.Online, refresh: true, watchers: [Other, Watcher]));

        var shown = await watcher.NextPresenceAsync();
        Assert.Equal((User, ClientPresence.Online, 1234L), (shown.User, shown.Presence, shown.LastSeenMs));
        Assert.Equal((ClientPresence.Online, 1234L), _presence.Get(User, Watcher));
        await AssertNextIsMarkerAsync(other, Other);
    }

    [Fact]
    public async Task FriendNoLongerNamed_IsNotToldAnything_AndSeesOffline()
    {
        var other = await WatcherConnection.OpenAsync(_sessions, Other, _time);
        _presence.Apply(Batch(ClientPresence.Online, refresh: false, watchers: [Watcher, Other]));
        Assert.Equal(ClientPresence.Online, (await other.NextPresenceAsync()).Presence);

        // Other and the user are friends no more: it gets a FriendEvent elsewhere, no presence notify.
        _presence.Apply(Batch(ClientPresence.Online, refresh: true, watchers: [Watcher]));

        Assert.Equal((ClientPresence.Offline, 0L), _presence.Get(User, Other));
        await AssertNextIsMarkerAsync(other, Other);
    }

    /// <summary>Pushes a marker notify to <paramref name="watcher"/> and checks it is the next frame: nothing was queued before it.</summary>
    private async Task AssertNextIsMarkerAsync(WatcherConnection connection, ulong watcher)
    {
        new Notifier(_sessions).Presence(watcher, Marker, ClientPresence.Online, 1);
        Assert.Equal(Marker, (await connection.NextPresenceAsync()).User);
    }

    private static CellProto.PresenceBatchRequest Batch(ClientPresence presence, bool refresh, ulong[]? watchers = null, ulong[]? hiddenFrom = null)
    {
        var batch = new CellProto.PresenceBatchRequest { FromCell = "b", Refresh = refresh, TtlMs = (long)Ttl.TotalMilliseconds };
        var item = new CellProto.PresenceItem { User = User, Presence = presence, LastSeenMs = 1234 };
        item.Watchers.Add(watchers ?? [Watcher]);
        item.HiddenFrom.Add(hiddenFrom ?? []);
        batch.Items.Add(item);
        return batch;
    }
}
