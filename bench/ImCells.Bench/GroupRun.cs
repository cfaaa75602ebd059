using System.Diagnostics;
using System.Globalization;
using ImCells.Protos.Client;

namespace ImCells.Bench;

/// <summary>
/// The load of bench group over the connected members: the first --senders members post at --rate
/// in all (open loop) or one at a time each (--closed-loop) for --seconds; the drain then waits for
/// every answer and every delivery, at most --drain seconds. After it, with the group idle, the
/// fan-out probe; last, a group_sync by each member that lacks acknowledged messages.
/// </summary>
internal sealed class GroupRun
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
    private const int LossCheckConcurrency = 16;
    private readonly GroupMember[] _members;
    private readonly GroupBenchOptions _options;
    private readonly ulong _group;
    private readonly GroupDeliveryLedger _ledger;
    private readonly GroupFanoutProbe _probe;
    private readonly LatencyHistogram _ackLatency = new();
    private readonly int[] _counters;
    private readonly string _runId = Guid.NewGuid().ToString("N")[..12];
    private long _sent;
    private long _errors;
    private string? _firstError;
    private volatile bool _sending;

    /// <param name="members">The online members; the first <see cref="GroupBenchOptions.Senders"/> of them send.</param>
    /// <param name="headSeq">The group's head seq once set up.</param>
    public GroupRun(GroupMember[] members, GroupBenchOptions options, ulong group, ulong headSeq)
    {
        _members = members;
        _options = options;
        _group = group;
        _ledger = new GroupDeliveryLedger(members.Length, [.. Enumerable.Range(0, options.Senders)], headSeq);
        _probe = new GroupFanoutProbe(members.Length, members.Length - 1);
        _counters = new int[options.Senders];
    }

    public async Task<GroupResult> ExecuteAsync(CpuMeter cpu, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loops = _members.Select(m => m.Connection.RunReadLoopAsync(f => OnFrame(m, f), stop.Token)).ToList();
        var pinger = Heartbeat.RunAsync([.. _members.Select(m => m.Connection)], stop.Token);
        try
        {
            var cpuBefore = await cpu.ReadAsync(ct);
            var start = Stopwatch.GetTimestamp();
            var sendSeconds = await SendAsync(start, ct);
            await DrainAsync(ct);
            var cpuAfter = await cpu.ReadAsync(ct);
            var missing = Enumerable.Range(0, _members.Length).Select(_ledger.Missing).ToArray();
            var lastDelivery = _ledger.LastDeliveryTimestamp;
            var result = new GroupResult
            {
                Options = _options,
                Group = _group,
                Sent = Interlocked.Read(ref _sent),
                Acked = _ledger.Acked,
                Errors = Interlocked.Read(ref _errors),
                FirstError = Volatile.Read(ref _firstError),
                SendSeconds = sendSeconds,
                DeliverySeconds = lastDelivery == 0 ? 0 : LatencyHistogram.TicksToMs(lastDelivery - start) / 1000,
                Deliveries = _ledger.Deliveries,
                ExpectedDeliveries = _ledger.ExpectedDeliveries,
                Duplicates = _ledger.Duplicates,
                Repeated = _ledger.Repeated,
                OutOfOrder = _ledger.OutOfOrder,
                Latency = _ledger.Latency,
                AckLatency = _ackLatency,
                Lost = missing.Sum(m => (long)m.Count),
                CpuPerMessage = CpuMeter.PerMessage(cpuBefore, cpuAfter, _ledger.Acked),
                CpuPerDelivery = CpuMeter.PerMessage(cpuBefore, cpuAfter, _ledger.Deliveries),
            };
            var (fanoutMs, fanoutError) = await ProbeAsync(ct);
            return result with
            {
                FanoutMs = fanoutMs,
                FanoutError = fanoutError,
                FanoutReached = _probe.Reached,
                FanoutExpected = _probe.Expected,
                Loss = await CheckLossAsync(missing, ct),
            };
        }
        finally
        {
            await stop.CancelAsync();
            await pinger;
            foreach (var member in _members)
            {
                member.Connection.Dispose();
            }

            await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<double> SendAsync(long start, CancellationToken ct)
    {
        var label = _options.ClosedLoop ? "closed loop" : $"{_options.Rate:0}/s";
        await using var progress = new ProgressReporter(() =>
        {
            var deliveries = _ledger.Deliveries;
            return $"group ({label}): sent {Interlocked.Read(ref _sent)}, acked {_ledger.Acked}, errors {Interlocked.Read(ref _errors)}, " +
                   $"deliveries {deliveries}/{_ledger.ExpectedDeliveries} ({deliveries / Math.Max(Stopwatch.GetElapsedTime(start).TotalSeconds, 0.001):0}/s), " +
                   $"p99 so far {_ledger.Latency.PercentileMs(99):0.0} ms";
        });
        var duration = TimeSpan.FromSeconds(_options.Seconds);
        _sending = true;
        if (_options.ClosedLoop)
        {
            for (var s = 0; s < _counters.Length; s++)
            {
                SendNext(s);
            }

            await Task.Delay(duration, ct);
        }
        else
        {
            await Task.Factory.StartNew(
                () => OpenLoopPacer.Run(_options.Rate, duration, start, i => SendNext((int)(i % _counters.Length)), ct),
                TaskCreationOptions.LongRunning);
        }

        _sending = false;
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    // Until every send is answered and every acknowledged message reached every other online member.
    private async Task DrainAsync(CancellationToken ct)
    {
        var end = Stopwatch.GetTimestamp() + (_options.DrainSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end
               && (_ledger.Acked + Interlocked.Read(ref _errors) < Interlocked.Read(ref _sent) || _ledger.Deliveries < _ledger.ExpectedDeliveries))
        {
            await Task.Delay(20, ct);
        }
    }

    private void SendNext(int sender)
    {
        var counter = Interlocked.Increment(ref _counters[sender]) - 1;
        var now = Stopwatch.GetTimestamp();
        var request = new GroupSendRequest
        {
            Group = _group,
            Text = GroupMessageText.Message(sender, counter, now),
            ClientMsgId = string.Create(CultureInfo.InvariantCulture, $"{_runId}:{sender}:{counter}"),
        };
        Interlocked.Increment(ref _sent);
        if (!_members[sender].Send(request, new PendingSend(counter, now)))
        {
            Fail($"sender {_members[sender].Number}: connection closed");
        }
    }

    private void Fail(string error)
    {
        Interlocked.Increment(ref _errors);
        Interlocked.CompareExchange(ref _firstError, error, null);
    }

    private void OnFrame(GroupMember member, Frame frame)
    {
        switch (frame.BodyCase)
        {
            case Frame.BodyOneofCase.GroupNew:
                OnEntry(member, frame.GroupNew.Entry);
                break;
            case Frame.BodyOneofCase.GroupSendAck when member.TryCompleteSend(frame.Seq, out var what):
                _ackLatency.RecordSince(what.Timestamp);
                _ledger.Ack(member.Index, what.Counter, frame.GroupSendAck.Seq);
                ContinueClosedLoop(member.Index);
                break;
            case Frame.BodyOneofCase.Error when member.TryCompleteSend(frame.Seq, out _):
                Fail($"{frame.Error.Code}: {frame.Error.Message}");
                ContinueClosedLoop(member.Index);
                break;
            default:
                member.TryCompleteRequest(frame);
                break;
        }
    }

    // A message of the run or the probe, pushed to a member other than its sender; events are not counted.
    private void OnEntry(GroupMember member, GroupEntry? entry)
    {
        if (entry is null || entry.Group != _group || entry.Event is not null || entry.From == member.Number)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (GroupMessageText.TryParseMessage(entry.Text, out var sender, out var counter, out var sentAt))
        {
            _ledger.Arrived(member.Index, sender, counter, entry.Seq, sentAt, now);
        }
        else if (GroupMessageText.TryParseProbe(entry.Text, out _))
        {
            _probe.Arrived(member.Index, now);
        }
    }

    private void ContinueClosedLoop(int sender)
    {
        if (_options.ClosedLoop && _sending)
        {
            SendNext(sender);
        }
    }

    // One message from member 0 into the idle group; waits (at most --drain seconds) until every other online member has it.
    private async Task<(double? Ms, string? Error)> ProbeAsync(CancellationToken ct)
    {
        var sent = Stopwatch.GetTimestamp();
        var send = new GroupSendRequest { Group = _group, Text = GroupMessageText.Probe(sent), ClientMsgId = $"{_runId}:probe" };
        string? error = null;
        try
        {
            var answer = await _members[0].RequestAsync(new Frame { GroupSend = send }, RequestTimeout, ct);
            if (answer.BodyCase != Frame.BodyOneofCase.GroupSendAck)
            {
                error = $"probe refused: {answer.Error?.Code} {answer.Error?.Message}";
            }
        }
        catch (BenchException e)
        {
            error = e.Message;
        }

        var end = sent + (_options.DrainSeconds * Stopwatch.Frequency);
        while (error is null && !_probe.Complete && Stopwatch.GetTimestamp() < end)
        {
            await Task.Delay(5, ct);
        }

        return (_probe.LastArrivalMs(sent), error);
    }

    private async Task<LossVerdict> CheckLossAsync(List<ulong>[] missing, CancellationToken ct)
    {
        var lacking = Enumerable.Range(0, missing.Length).Where(m => missing[m].Count > 0).ToList();
        if (lacking.Count == 0)
        {
            return default;
        }

        Console.Error.WriteLine($"[bench] {lacking.Count} members lack acknowledged messages: asking each for a group_sync");
        var total = default(LossVerdict);
        var gate = new Lock();
        await Parallel.ForEachAsync(lacking, new ParallelOptions { MaxDegreeOfParallelism = LossCheckConcurrency, CancellationToken = ct }, async (m, token) =>
        {
            var verdict = await GroupLossCheck.CheckAsync(_members[m], _group, missing[m], RequestTimeout, token);
            lock (gate)
            {
                total += verdict;
            }
        });
        return total;
    }
}
