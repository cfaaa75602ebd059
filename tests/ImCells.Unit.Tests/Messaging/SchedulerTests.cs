using ImCells.Cell;
using ImCells.Cell.Delivery;
using ImCells.Cell.Messaging;
using ImCells.Cell.Social;
using ImCells.Registry.Hlr;
using ImCells.Registry.Vlr;
using ImCells.Server.Grpc;
using ImCells.Topology;
using ImCells.Trust;
using ImCells.Unit.Tests.Hlr;
using ImCells.Unit.Tests.Topology;
using ImCells.Unit.Tests.Trust;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImCells.Unit.Tests.Messaging;

/// <summary>The scheduler loop on a fake clock, sending through the real router into a real SQLite HLR.</summary>
public sealed class SchedulerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly SleepWatchingTimeProvider _time = new(Start);
    private readonly TestPki _pki = new();
    private ChannelPool _channels = null!;
    private TempHlr _hlr = null!;
    private TopologyCache _topology = null!;
    private ScheduledStore _store = null!;
    private Scheduler _scheduler = null!;
    private ulong _alice;
    private ulong _bob;

    public async Task InitializeAsync()
    {
        _hlr = await TempHlr.CreateAsync();
        _alice = await _hlr.AddUserAsync("alice");
        _bob = await _hlr.AddUserAsync("bob");
        var self = new CellIdentity("a");
        var credentials = _pki.Credentials(ClusterIdentity.Cell("a"));
        _channels = new ChannelPool(credentials, _ => null);
        _topology = FixedTopology.Of(TopologyJson.Map(TopologyJson.TwoCells()));
        var notifier = new Notifier(new SessionRegistry());
        var forwarder = new OutboxForwarder(self, _hlr.Mailboxes, _topology, _channels, notifier, _time, NullLogger<OutboxForwarder>.Instance);
        var router = new MessageRouter(self, _topology, _hlr.Mailboxes, notifier, new RemoteUsers(self, new VisitorCache(), _channels),
            forwarder, new MessageIds(self), _time);
        _store = new ScheduledStore(_hlr.Database);
        _scheduler = new Scheduler(_store, router, notifier, _time, NullLogger<Scheduler>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _scheduler.StopAsync(CancellationToken.None);
        _scheduler.Dispose();
        _topology.Dispose();
        _channels.Dispose();
        _pki.Dispose();
        await _hlr.DisposeAsync();
    }

    [Fact]
    public async Task DueEntry_FiresWhenFakeTimeReachesIt_NotBefore()
    {
        await ScheduleAsync("s1", Start + TimeSpan.FromMilliseconds(2500));
        await _scheduler.StartAsync(CancellationToken.None);

        // Nothing is due yet: it sleeps at most a second at a time, then to the due time exactly.
        Assert.Equal(TimeSpan.FromSeconds(1), await _time.NextSleepAsync());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(1), await _time.NextSleepAsync());
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(500), await _time.NextSleepAsync());

        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(0UL, await BobHeadAsync());

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await _time.NextSleepAsync(); // the pass that fired it is over

        var (entries, _, _) = await _hlr.Mailboxes.SyncAsync(_bob, 0, 10, CancellationToken.None);
        var message = Assert.Single(entries);
        Assert.Equal((_alice, "later"), (message.From, message.Text));
        Assert.Equal((Start + TimeSpan.FromMilliseconds(2500)).ToUnixTimeMilliseconds(), message.SentAtMs);
        Assert.Empty(await _store.PendingOfAsync(_alice, CancellationToken.None));
    }

    [Fact]
    public async Task EntryAddedWhileAsleep_WakeShortensTheSleepToItsDueTime()
    {
        await _scheduler.StartAsync(CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(1), await _time.NextSleepAsync());

        await ScheduleAsync("s1", Start + TimeSpan.FromMilliseconds(300));
        _scheduler.Wake();

        Assert.Equal(TimeSpan.FromMilliseconds(300), await _time.NextSleepAsync());
        Assert.Equal(0UL, await BobHeadAsync());
        _time.Advance(TimeSpan.FromMilliseconds(300));
        await _time.NextSleepAsync();

        Assert.Equal(1UL, await BobHeadAsync());
    }

    [Fact]
    public async Task OverdueEntries_FireOnTheFirstPass_Once()
    {
        await ScheduleAsync("s1", Start - TimeSpan.FromMinutes(5));
        await ScheduleAsync("s2", Start);
        await _scheduler.StartAsync(CancellationToken.None);

        await _time.NextSleepAsync();
        Assert.Equal(2UL, await BobHeadAsync());

        _time.Advance(TimeSpan.FromSeconds(1));
        await _time.NextSleepAsync();
        Assert.Equal(2UL, await BobHeadAsync());
    }

    private Task ScheduleAsync(string id, DateTimeOffset at) =>
        _store.AddAsync(new ScheduledEntry(id, _alice, _bob, "later", "c-" + id, at.ToUnixTimeMilliseconds()), CancellationToken.None);

    private Task<ulong> BobHeadAsync() => _hlr.Mailboxes.HeadSeqAsync(_bob, CancellationToken.None);
}
