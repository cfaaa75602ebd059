using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using ImCells.Protos.Client;

namespace ImCells.Bench;

/// <summary>
/// bench chat [--users N] [--mode same-cell|cross-cell] [--rate R | --closed-loop | --find-max] [--seconds D]:
/// N/2 sender → receiver pairs over lean connections and the real Send request; the latency is
/// send → the receiver's NewMessage notify, timed on one clock because both ends live in this process.
/// </summary>
internal static class ChatBench
{
    public static async Task<JsonObject> RunAsync(BenchArgs args, CancellationToken ct)
    {
        var options = ChatOptions.Parse(args);
        using var api = options.Cluster.OpenLogin();
        var pairs = options.Users / 2;
        var sameCell = options.Mode == "same-cell";
        var (senderUsers, regA) = await UserPool.EnsureAsync(options.Cluster, api, "a", options.Pool, sameCell ? pairs * 2 : pairs, LeanLogins.Concurrency, ct);
        var (receiverUsers, regB) = sameCell
            ? (senderUsers.Skip(pairs).ToList(), new RegisterStats(0, 0, 0))
            : await UserPool.EnsureAsync(options.Cluster, api, "b", options.Pool, pairs, LeanLogins.Concurrency, ct);

        var peers = new ChatPeer[pairs * 2];
        var clock = Stopwatch.StartNew();
        try
        {
            var connected = await LeanLogins.ConnectAllAsync(
                api, options.Cluster, [.. senderUsers.Take(pairs), .. receiverUsers.Take(pairs)], "bench-chat", "chat setup", ct);
            for (var i = 0; i < peers.Length; i++)
            {
                var user = i < pairs ? senderUsers[i] : receiverUsers[i - pairs];
                peers[i] = new ChatPeer(user.Number, connected[i].Cell, connected[i].Connection, i % pairs);
            }

            var setupSeconds = clock.Elapsed.TotalSeconds;
            var cpu = new CpuMeter(options.Cluster, sameCell ? ["a"] : ["a", "b"]);
            var run = new ChatRun(peers.AsSpan(0, pairs).ToArray(), peers.AsSpan(pairs).ToArray(), options, cpu);
            var result = await run.ExecuteAsync(ct);
            result["login_url"] = options.Cluster.LoginUrl;
            result["mode"] = options.Mode;
            result["users"] = pairs * 2;
            result["pairs"] = pairs;
            result["sender_cell"] = peers[0].Cell;
            result["receiver_cell"] = peers[pairs].Cell;
            result["text_bytes"] = options.TextBytes;
            result["setup_seconds"] = BenchEnvironment.Round(setupSeconds, 2);
            result["register"] = new JsonArray(LoginBench.Register(regA), LoginBench.Register(regB));
            result["target_msgs_per_s"] = sameCell ? 20_000 : 12_000; // issue 14: durable, open loop, p99 <= 100 ms, no loss
            result["target_p99_ms"] = 100;
            return result;
        }
        finally
        {
            foreach (var peer in peers)
            {
                peer?.Connection.Dispose();
            }
        }
    }

    /// <summary>
    /// The options of one chat run, checked up front. Without --rate, --closed-loop or --find-max the
    /// run is open loop at <see cref="DefaultRate"/> messages/s in all: a load a 2-core box carries.
    /// </summary>
    internal sealed record ChatOptions(
        int Users, string Mode, double Rate, bool ClosedLoop, int Seconds, bool FindMax, double StartRate, double Factor,
        int MaxSteps, double P99LimitMs, int GraceSeconds, int TextBytes, string? Pool, BenchCluster Cluster)
    {
        public const int DefaultUsers = 200;

        public const double DefaultRate = 1000;

        public static ChatOptions Parse(BenchArgs args)
        {
            var closedLoop = args.Has("closed-loop");
            var findMax = args.Has("find-max");
            var rateGiven = args.Has("rate");
            var options = new ChatOptions(
                Users: args.Int("users", DefaultUsers, min: 2, max: 38_000),
                Mode: args.String("mode", "same-cell"),
                Rate: args.Double("rate", closedLoop || findMax ? 0 : DefaultRate, min: 0.001),
                ClosedLoop: closedLoop,
                Seconds: args.Int("seconds", 10, min: 1, max: 3600),
                FindMax: findMax,
                StartRate: args.Double("start-rate", 500, min: 1),
                Factor: args.Double("step-factor", 1.5, min: 1.01),
                MaxSteps: args.Int("max-steps", 20, min: 1, max: 50),
                P99LimitMs: args.Double("p99-limit-ms", 100, min: 0.1),
                GraceSeconds: args.Int("grace", 5, min: 0, max: 120),
                TextBytes: args.Int("text-bytes", 64, min: 40, max: 16_000),
                Pool: args.String("pool"),
                Cluster: BenchCluster.From(args));
            args.RejectUnknown();
            if (options.Mode is not ("same-cell" or "cross-cell"))
            {
                throw BenchException.Usage("--mode must be same-cell or cross-cell");
            }

            if (options.Users > 19_000)
            {
                throw BenchException.Usage("--users above 19 000 needs more than one load process (not supported by bench chat)");
            }

            if ((rateGiven ? 1 : 0) + (closedLoop ? 1 : 0) + (findMax ? 1 : 0) > 1)
            {
                throw BenchException.Usage($"give at most one of --rate R, --closed-loop and --find-max (without any: --rate {DefaultRate})");
            }

            return options;
        }
    }
}

/// <summary>One connected user of the chat benchmark.</summary>
internal sealed class ChatPeer(ulong number, string cell, LeanConnection connection, int pair)
{
    private readonly InFlightTable<InFlight> _inFlight = new();

    public ulong Number { get; } = number;

    public string Cell { get; } = cell;

    public LeanConnection Connection { get; } = connection;

    public int Pair { get; } = pair;

    public int InFlightCount => _inFlight.Count;

    /// <summary>Sends one Send request and remembers it by seq until its SendAck or Error.</summary>
    public bool Send(ulong to, string text, InFlight what) =>
        _inFlight.Send(Connection, new Frame { Send = new SendRequest { To = to, Text = text } }, what);

    public bool TryComplete(uint seq, out InFlight what) => _inFlight.TryComplete(seq, out what);
}

/// <summary>A Send awaiting its answer: which step and pair, which number in the pair, when it left.</summary>
internal readonly record struct InFlight(int Step, int Pair, int Number, long Timestamp);

/// <summary>What one pair saw within one step. Acks and deliveries come from different read loops, hence the lock.</summary>
internal sealed class PairState
{
    public readonly Lock Gate = new();
    public readonly HashSet<int> Acked = [];
    public readonly HashSet<int> Delivered = [];
    public int NextNumber;
    public int MaxDelivered = -1;
}

/// <summary>Counters of one step (one rate, or the closed loop).</summary>
internal sealed class StepStats(int step, double rate, int pairs)
{
    public readonly PairState[] Pairs = Enumerable.Range(0, pairs).Select(_ => new PairState()).ToArray();
    public readonly LatencyHistogram Latency = new();
    public readonly LatencyHistogram AckLatency = new();
    public long Sent;
    public long Acked;
    public long Errors;
    public long Delivered;
    public long Duplicates;
    public long OutOfOrder;
    public long LastDeliveryTimestamp;
    public string? FirstError;

    public int Step { get; } = step;

    public double Rate { get; } = rate;

    public long StartTimestamp { get; set; }

    public double SendSeconds { get; set; }

    /// <summary>CPU microseconds per delivered message, by process (<see cref="CpuMeter"/>); null when not measured.</summary>
    public System.Text.Json.Nodes.JsonObject? CpuPerMessage { get; set; }
}

/// <summary>Runs the steps over connected pairs and turns the counters into the result line.</summary>
internal sealed class ChatRun
{
    private readonly ChatPeer[] _senders;
    private readonly ChatPeer[] _receivers;
    private readonly ChatBench.ChatOptions _options;
    private readonly List<StepStats> _steps = [];
    private readonly string _padding;
    private volatile StepStats? _current;
    private volatile bool _sending;
    private readonly CpuMeter? _cpu;

    public ChatRun(ChatPeer[] senders, ChatPeer[] receivers, ChatBench.ChatOptions options, CpuMeter? cpu = null)
    {
        _senders = senders;
        _receivers = receivers;
        _options = options;
        _cpu = cpu;
        _padding = new string('x', Math.Max(0, options.TextBytes - 36));
    }

    public async Task<JsonObject> ExecuteAsync(CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loops = _senders.Select(s => s.Connection.RunReadLoopAsync(f => OnSenderFrame(s, f), stop.Token))
            .Concat(_receivers.Select(r => r.Connection.RunReadLoopAsync(f => OnReceiverFrame(r, f), stop.Token)))
            .ToList();
        var pinger = Heartbeat.RunAsync([.. _senders.Concat(_receivers).Select(p => p.Connection)], stop.Token); // receivers never send otherwise
        try
        {
            if (_options.FindMax)
            {
                return await FindMaxAsync(ct);
            }

            var stats = await RunStepAsync(_options.ClosedLoop ? 0 : _options.Rate, ct);
            var summary = Summarize(stats);
            var result = new JsonObject
            {
                ["load"] = _options.ClosedLoop ? "closed-loop" : "open-loop",
                ["seconds"] = _options.Seconds,
                ["ok"] = (bool)summary["good"]!,
            };
            foreach (var (key, value) in summary)
            {
                result[key] = value?.DeepClone();
            }

            return result;
        }
        finally
        {
            await stop.CancelAsync();
            await pinger;
            foreach (var peer in _senders.Concat(_receivers))
            {
                peer.Connection.Dispose();
            }

            await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<JsonObject> FindMaxAsync(CancellationToken ct)
    {
        var steps = new JsonArray();
        JsonObject? best = null;
        var rate = _options.StartRate;
        string stopReason = $"reached --max-steps {_options.MaxSteps}";
        for (var i = 0; i < _options.MaxSteps; i++)
        {
            var summary = Summarize(await RunStepAsync(rate, ct));
            steps.Add(summary);
            if (!(bool)summary["good"]!)
            {
                stopReason = (string)summary["verdict"]!;
                break;
            }

            best = summary;
            rate *= _options.Factor;
        }

        return new JsonObject
        {
            ["load"] = "find-max",
            ["seconds_per_step"] = _options.Seconds,
            ["p99_limit_ms"] = _options.P99LimitMs,
            ["max_good_rate"] = best is null ? 0 : best["offered_rate"]!.DeepClone(),
            ["max_good_delivered_per_s"] = best is null ? 0 : best["delivered_per_s"]!.DeepClone(),
            ["max_good_step"] = best?.DeepClone(),
            ["stopped_because"] = stopReason,
            ["ok"] = best is not null,
            ["steps"] = steps,
        };
    }

    private async Task<StepStats> RunStepAsync(double rate, CancellationToken ct)
    {
        var stats = new StepStats(_steps.Count, rate, _senders.Length);
        _steps.Add(stats);
        _current = stats;
        var label = rate > 0 ? $"{rate:0}/s" : "closed loop";
        await using var progress = new ProgressReporter(() =>
        {
            var elapsed = Stopwatch.GetElapsedTime(stats.StartTimestamp).TotalSeconds;
            return $"chat step {stats.Step + 1} ({label}): sent {Interlocked.Read(ref stats.Sent)}, acked {Interlocked.Read(ref stats.Acked)}, " +
                   $"delivered {Interlocked.Read(ref stats.Delivered)} ({Interlocked.Read(ref stats.Delivered) / Math.Max(elapsed, 0.001):0}/s), " +
                   $"errors {Interlocked.Read(ref stats.Errors)}, p99 so far {stats.Latency.PercentileMs(99):0.0} ms";
        });

        var cpuBefore = _cpu is null ? null : await _cpu.ReadAsync(ct);
        stats.StartTimestamp = Stopwatch.GetTimestamp();
        _sending = true;
        var duration = TimeSpan.FromSeconds(_options.Seconds);
        if (rate > 0)
        {
            await Task.Factory.StartNew(() => Pace(stats, rate, duration, ct), TaskCreationOptions.LongRunning);
        }
        else
        {
            for (var p = 0; p < _senders.Length; p++)
            {
                SendNext(stats, p);
            }

            await Task.Delay(duration, ct);
        }

        _sending = false;
        stats.SendSeconds = Stopwatch.GetElapsedTime(stats.StartTimestamp).TotalSeconds;

        // Grace: wait for every answer and every delivery, at most --grace seconds.
        var graceEnd = Stopwatch.GetTimestamp() + (long)(_options.GraceSeconds * (double)Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < graceEnd)
        {
            var sent = Interlocked.Read(ref stats.Sent);
            var acked = Interlocked.Read(ref stats.Acked);
            if (acked + Interlocked.Read(ref stats.Errors) >= sent && Interlocked.Read(ref stats.Delivered) >= acked)
            {
                break;
            }

            await Task.Delay(20, ct);
        }

        if (_cpu is not null)
        {
            stats.CpuPerMessage = CpuMeter.PerMessage(cpuBefore, await _cpu.ReadAsync(ct), Interlocked.Read(ref stats.Delivered));
        }

        return stats;
    }

    // Open loop on a dedicated thread, round robin over the senders; the latency clock starts at the send.
    private void Pace(StepStats stats, double rate, TimeSpan duration, CancellationToken ct) =>
        OpenLoopPacer.Run(rate, duration, stats.StartTimestamp, i => SendNext(stats, (int)(i % _senders.Length)), ct);

    private void SendNext(StepStats stats, int pair)
    {
        var sender = _senders[pair];
        var number = Interlocked.Increment(ref stats.Pairs[pair].NextNumber) - 1;
        var now = Stopwatch.GetTimestamp();
        var text = string.Create(CultureInfo.InvariantCulture, $"{stats.Step}:{pair}:{number}:{now}:{_padding}");
        if (sender.Send(_receivers[pair].Number, text, new InFlight(stats.Step, pair, number, now)))
        {
            Interlocked.Increment(ref stats.Sent);
        }
        else
        {
            Interlocked.Increment(ref stats.Errors);
            Interlocked.CompareExchange(ref stats.FirstError, $"sender {sender.Number}: connection closed", null);
        }
    }

    private void OnSenderFrame(ChatPeer sender, Frame frame)
    {
        switch (frame.BodyCase)
        {
            case Frame.BodyOneofCase.SendAck when sender.TryComplete(frame.Seq, out var what):
                var stats = _steps[what.Step];
                stats.AckLatency.RecordSince(what.Timestamp);
                var pair = stats.Pairs[what.Pair];
                lock (pair.Gate)
                {
                    pair.Acked.Add(what.Number);
                }

                Interlocked.Increment(ref stats.Acked);
                ContinueClosedLoop(stats, what.Pair);
                break;
            case Frame.BodyOneofCase.Error when sender.TryComplete(frame.Seq, out var what):
                var failed = _steps[what.Step];
                Interlocked.Increment(ref failed.Errors);
                Interlocked.CompareExchange(ref failed.FirstError, $"{frame.Error.Code}: {frame.Error.Message}", null);
                ContinueClosedLoop(failed, what.Pair);
                break;
            case Frame.BodyOneofCase.SendFailed:
                if (_current is { } current)
                {
                    Interlocked.Increment(ref current.Errors);
                    Interlocked.CompareExchange(ref current.FirstError, $"SendFailed {frame.SendFailed.Code}: {frame.SendFailed.Reason}", null);
                }

                break;
        }
    }

    private void ContinueClosedLoop(StepStats stats, int pair)
    {
        if (_options.ClosedLoop && !_options.FindMax && _sending && ReferenceEquals(stats, _current))
        {
            SendNext(stats, pair);
        }
    }

    private void OnReceiverFrame(ChatPeer receiver, Frame frame)
    {
        if (frame.BodyCase != Frame.BodyOneofCase.NewMessage || frame.NewMessage.Message is not { } message || message.To != receiver.Number)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        var parts = message.Text.Split(':', 5);
        if (parts.Length < 5
            || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var step) || step >= _steps.Count
            || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pairIndex) || pairIndex != receiver.Pair
            || !int.TryParse(parts[2], CultureInfo.InvariantCulture, out var number)
            || !long.TryParse(parts[3], CultureInfo.InvariantCulture, out var sentAt))
        {
            return;
        }

        var stats = _steps[step];
        var pair = stats.Pairs[pairIndex];
        lock (pair.Gate)
        {
            if (!pair.Delivered.Add(number))
            {
                Interlocked.Increment(ref stats.Duplicates);
                return;
            }

            if (number < pair.MaxDelivered)
            {
                Interlocked.Increment(ref stats.OutOfOrder);
            }

            pair.MaxDelivered = Math.Max(pair.MaxDelivered, number);
        }

        stats.Latency.Record(now - sentAt);
        Interlocked.Increment(ref stats.Delivered);
        Interlocked.Exchange(ref stats.LastDeliveryTimestamp, now);
    }

    private JsonObject Summarize(StepStats stats)
    {
        long lost = 0;
        foreach (var pair in stats.Pairs)
        {
            lock (pair.Gate)
            {
                lost += pair.Acked.Count(n => !pair.Delivered.Contains(n));
            }
        }

        var sent = Interlocked.Read(ref stats.Sent);
        var acked = Interlocked.Read(ref stats.Acked);
        var errors = Interlocked.Read(ref stats.Errors);
        var delivered = Interlocked.Read(ref stats.Delivered);
        var unanswered = Math.Max(0, sent - acked - errors);
        var lastDelivery = Interlocked.Read(ref stats.LastDeliveryTimestamp);
        var window = Math.Max(stats.SendSeconds, lastDelivery > 0 ? LatencyHistogram.TicksToMs(lastDelivery - stats.StartTimestamp) / 1000 : 0);
        var deliveredPerSecond = delivered / Math.Max(window, 0.001);
        var offered = stats.Rate > 0 ? stats.Rate : sent / Math.Max(stats.SendSeconds, 0.001);
        var p99 = stats.Latency.PercentileMs(99);
        var verdict =
            lost > 0 ? $"lost {lost} acknowledged messages" :
            unanswered > 0 ? $"{unanswered} sends unanswered after {_options.GraceSeconds} s grace" :
            errors > 0 ? $"{errors} errors (first: {stats.FirstError})" :
            p99 > _options.P99LimitMs ? $"p99 {p99:0.0} ms > {_options.P99LimitMs} ms" :
            stats.Rate > 0 && deliveredPerSecond < 0.95 * stats.Rate ? $"delivered {deliveredPerSecond:0}/s < 95% of the offered {stats.Rate:0}/s" :
            "good";
        return new JsonObject
        {
            ["step"] = stats.Step + 1,
            ["offered_rate"] = BenchEnvironment.Round(offered),
            ["sent"] = sent,
            ["acked"] = acked,
            ["errors"] = errors,
            ["first_error"] = stats.FirstError,
            ["unanswered"] = unanswered,
            ["delivered"] = delivered,
            ["delivered_per_s"] = BenchEnvironment.Round(deliveredPerSecond),
            ["lost"] = lost,
            ["duplicates"] = Interlocked.Read(ref stats.Duplicates),
            ["out_of_order"] = Interlocked.Read(ref stats.OutOfOrder),
            ["latency"] = stats.Latency.ToJson(),
            ["ack_latency"] = stats.AckLatency.ToJson(),
            ["cpu_us_per_msg"] = stats.CpuPerMessage?.DeepClone(),
            ["good"] = verdict == "good",
            ["verdict"] = verdict,
        };
    }
}
