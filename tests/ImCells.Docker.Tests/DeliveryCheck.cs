using System.Globalization;
using System.Text.Json;

namespace ImCells.Docker.Tests;

/// <summary>
/// What a receiver got, against what the sender had acknowledged: texts are "{tag}:{n}", sent in
/// order of n, so a smaller n after a larger one is a reordering.
/// </summary>
internal sealed record DeliveryCheck(int Acked, int Delivered, int Duplicates, int Reordered, IReadOnlyList<int> Missing, int Unacked)
{
    public static DeliveryCheck Of(JsonElement senderDone, JsonElement receiverDone)
    {
        var acked = senderDone.GetProperty("acked").EnumerateArray().Select(e => e.GetInt32()).ToHashSet();
        var seen = new HashSet<int>();
        var duplicates = 0;
        var reordered = 0;
        var last = -1;
        foreach (var text in receiverDone.GetProperty("texts").EnumerateArray().Select(e => e.GetString()!))
        {
            var n = int.Parse(text.AsSpan(text.IndexOf(':') + 1), CultureInfo.InvariantCulture);
            if (!seen.Add(n))
            {
                duplicates++;
                continue;
            }

            reordered += n < last ? 1 : 0;
            last = Math.Max(last, n);
        }

        return new DeliveryCheck(
            acked.Count, acked.Count(seen.Contains), duplicates, reordered, [.. acked.Where(n => !seen.Contains(n)).Order()], seen.Count(n => !acked.Contains(n)));
    }

    public override string ToString() =>
        $"acked={Acked} delivered={Delivered} duplicates={Duplicates} reordered={Reordered} missing={Missing.Count} unacked-delivered={Unacked}";

    /// <summary>Every acknowledged message arrived exactly once and in order.</summary>
    public void AssertExactlyOnceInOrder(int expectedAcked)
    {
        Assert.True(Missing.Count == 0, $"{Missing.Count} acknowledged messages never arrived, first: {string.Join(", ", Missing.Take(20))}");
        Assert.Equal(0, Duplicates);
        Assert.Equal(0, Reordered);
        Assert.Equal(expectedAcked, Acked);
        Assert.Equal(Acked, Delivered);
    }
}
