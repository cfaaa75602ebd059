using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using ImCells.Protos;
using ImCells.Protos.Client;

namespace ImCells.Unit.Tests.Bench;

/// <summary>
/// The group side of a cell in miniature, for driving bench group over loopback: plain TCP and the
/// real framing; Auth (the token is the user number), Ping, group_send (one timeline, acked, pushed
/// as group_new to every connection, the sender's included, in seq order) and group_sync. Faults are
/// scripted per entry: not stored (acked all the same), or pushed to a user 0 or 2 times.
/// </summary>
internal sealed class FakeGroupCell : IAsyncDisposable
{
    public const ulong Group = 90_000_001;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<(ulong User, Stream Stream)> _peers = [];
    private readonly List<GroupEntry> _timeline = [];
    private readonly List<Task> _serving = [];
    private readonly Task _accepting;
    private ulong _seq;

    public FakeGroupCell(ulong headSeq)
    {
        _seq = headSeq;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Endpoint => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Whether an entry goes into the timeline (and out to the members).</summary>
    public Func<GroupEntry, bool> Stores { get; init; } = _ => true;

    /// <summary>How many copies of an entry a user's connection gets.</summary>
    public Func<ulong, GroupEntry, int> Copies { get; init; } = (_, _) => 1;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_gate)
        {
            foreach (var (_, stream) in _peers)
            {
                stream.Dispose();
            }
        }

        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Task.WhenAll(_serving).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            var stream = new NetworkStream(socket, ownsSocket: true);
            lock (_gate)
            {
                _serving.Add(ServeAsync(stream));
            }
        }
    }

    private async Task ServeAsync(Stream stream)
    {
        var reader = PipeReader.Create(stream);
        ulong user = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(_stop.Token);
                var buffer = result.Buffer;
                while (FrameCodec.TryRead(ref buffer, FrameCodec.DefaultMaxFrameBytes, out var frame) == FrameReadStatus.Frame)
                {
                    user = Handle(stream, user, frame!);
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    // Answers one request under the lock, so that pushes leave in seq order; returns the connection's user.
    private ulong Handle(Stream stream, ulong user, Frame request)
    {
        lock (_gate)
        {
            switch (request.BodyCase)
            {
                case Frame.BodyOneofCase.Auth:
                    user = ulong.Parse(request.Auth.Token, System.Globalization.CultureInfo.InvariantCulture);
                    _peers.Add((user, stream));
                    Write(stream, request.Seq, new Frame { AuthOk = new AuthOk { UserId = user, CellId = "a", HeartbeatSeconds = 30 } });
                    break;
                case Frame.BodyOneofCase.Ping:
                    Write(stream, request.Seq, new Frame { Pong = new Pong() });
                    break;
                case Frame.BodyOneofCase.GroupSend:
                    var entry = new GroupEntry { Group = Group, Seq = ++_seq, Id = $"m{_seq}", From = user, Text = request.GroupSend.Text };
                    if (Stores(entry))
                    {
                        _timeline.Add(entry);
                        Push(entry);
                    }

                    Write(stream, request.Seq, new Frame { GroupSendAck = new GroupSendAck { Group = Group, Seq = entry.Seq } });
                    break;
                case Frame.BodyOneofCase.GroupSync:
                    var sync = request.GroupSync;
                    var page = new GroupEntries { Group = Group, HeadSeq = _seq };
                    var after = _timeline.Where(e => e.Seq > sync.FromSeq).ToList();
                    page.Entries.Add(after.Take((int)sync.Limit));
                    page.HasMore = after.Count > sync.Limit;
                    Write(stream, request.Seq, new Frame { GroupEntries = page });
                    break;
            }
        }

        return user;
    }

    private void Push(GroupEntry entry)
    {
        foreach (var (user, stream) in _peers)
        {
            for (var copy = Copies(user, entry); copy > 0; copy--)
            {
                Write(stream, 0, new Frame { GroupNew = new GroupNew { Entry = entry } });
            }
        }
    }

    private static void Write(Stream stream, uint seq, Frame frame)
    {
        frame.Seq = seq;
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(writer, frame);
        try
        {
            stream.Write(writer.WrittenSpan);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // That member is gone.
        }
    }
}
