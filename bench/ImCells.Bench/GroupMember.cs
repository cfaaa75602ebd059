using System.Collections.Concurrent;
using ImCells.Protos.Client;

namespace ImCells.Bench;

/// <summary>
/// One connected member of the bench group: its frame seqs, the load's group_send requests awaiting
/// their answer (kept by seq, no task each) and the few awaited requests (probe, group_sync).
/// </summary>
internal sealed class GroupMember(int index, ulong number, string cell, LeanConnection connection)
{
    private readonly InFlightTable<PendingSend> _sends = new();
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<Frame>> _requests = new();

    /// <summary>The member's place among the online members.</summary>
    public int Index { get; } = index;

    public ulong Number { get; } = number;

    /// <summary>The serving cell.</summary>
    public string Cell { get; } = cell;

    public LeanConnection Connection { get; } = connection;

    /// <summary>A frame seq for a request the caller awaits itself.</summary>
    public uint NextSeq() => _sends.NextSeq();

    /// <summary>Sends one load message, remembered until its answer; false when the connection is gone.</summary>
    public bool Send(GroupSendRequest request, PendingSend what) => _sends.Send(Connection, new Frame { GroupSend = request }, what);

    public bool TryCompleteSend(uint seq, out PendingSend what) => _sends.TryComplete(seq, out what);

    /// <summary>Sends <paramref name="request"/> (its seq is set here) and waits for the frame answering it, from the read loop.</summary>
    public async Task<Frame> RequestAsync(Frame request, TimeSpan timeout, CancellationToken ct)
    {
        request.Seq = NextSeq();
        var answer = new TaskCompletionSource<Frame>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests[request.Seq] = answer;
        try
        {
            if (!Connection.Send(request))
            {
                throw new BenchException($"member {Number}: the connection is closed");
            }

            return await answer.Task.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            throw new BenchException($"member {Number}: no answer to {request.BodyCase} in {timeout.TotalSeconds:0} s");
        }
        finally
        {
            _requests.TryRemove(request.Seq, out _);
        }
    }

    /// <summary>Hands a response to the request awaiting it; false when none does.</summary>
    public bool TryCompleteRequest(Frame frame) => frame.Seq != 0 && _requests.TryRemove(frame.Seq, out var answer) && answer.TrySetResult(frame);
}

/// <summary>A load message awaiting its group_send_ack: the sender's counter and when it left.</summary>
internal readonly record struct PendingSend(int Counter, long Timestamp);
