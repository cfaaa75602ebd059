using System.Buffers.Binary;
using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using ImCells.Protos.Client;

namespace ImCells.Cluster.Tests;

/// <summary>
/// Bytes for a chat port, all drawn from one seeded <see cref="Random"/> (the same seed gives the
/// same bytes): random bytes, and real frames of every kind mutated in their encoding (bit flips,
/// overwritten bytes, truncation, unknown and invalid fields, spliced bodies), in their values
/// (extreme numbers, odd strings, another body kind) or in their length prefix (too short, too
/// long, huge, zero).
/// </summary>
internal sealed class FrameMutator(Random random, int maxFrameBytes)
{
    private static readonly string[] OddStrings =
    [
        "", " ", "\u202Eevil", "a\u200Bb", "\0", "\uFEFF", "🙂🙂", "e\u0301", "\uE000", "%s%n", "'; DROP TABLE users; --",
        "../../etc/passwd", "javascript:alert(1)", "https://example.org/\u202Ex", new string('x', 300), new string('é', 5000),
    ];

    /// <summary>What the frame does to the stream after it: a wrong length makes the rest of the stream garbage.</summary>
    public enum Framing { Whole, LengthTooShort, LengthTooLong, Huge, Empty }

    /// <summary>Something a client that has not authenticated sends: garbage, or a mutated frame (Auth or another).</summary>
    public byte[] BeforeAuth(Frame auth, IReadOnlyList<Frame> corpus) => random.Next(10) switch
    {
        0 or 1 => Bytes(random.Next(0, 300)),
        2 => Framed(Bytes(random.Next(1, 200)), Framing.Huge).Bytes,
        3 => Framed([], Framing.Empty).Bytes,
        4 or 5 or 6 => Mutated(auth).Bytes,
        7 => Mutated(corpus[random.Next(corpus.Count)]).Bytes,
        8 => Framed(Bytes(random.Next(1, 500)), Framing.Whole).Bytes,
        _ => Framed(corpus[random.Next(corpus.Count)].ToByteArray(), Framing.LengthTooLong).Bytes, // the rest never comes
    };

    /// <summary>A frame derived from <paramref name="original"/>: about one in seven as it is, most of the rest changed in value or encoding.</summary>
    public (byte[] Bytes, Framing Framing) Mutated(Frame original)
    {
        var choice = random.Next(100);
        if (choice < 15)
        {
            return Framed(original.ToByteArray(), Framing.Whole);
        }

        if (choice < 60)
        {
            var changed = original.Clone();
            var rounds = random.Next(1, 4);
            for (var i = 0; i < rounds; i++)
            {
                MutateValue(changed);
            }

            return Framed(changed.ToByteArray(), Framing.Whole);
        }

        var body = original.ToByteArray();
        body = choice switch
        {
            < 70 => FlipBits(body),
            < 75 => OverwriteBytes(body),
            < 81 => body[..random.Next(0, body.Length + 1)],
            < 92 => AddField(body),
            < 96 => [.. body, .. Splice(original)],
            _ => Bytes(random.Next(1, 100)),
        };

        var framing = random.Next(100) switch
        {
            < 92 => Framing.Whole,
            < 95 => Framing.LengthTooShort,
            < 98 => Framing.LengthTooLong,
            _ => Framing.Huge,
        };
        return Framed(body, framing);
    }

    /// <summary>A 4-byte big-endian length then <paramref name="body"/>; the length is wrong when <paramref name="framing"/> says so.</summary>
    public (byte[] Bytes, Framing Framing) Framed(byte[] body, Framing framing)
    {
        var length = framing switch
        {
            Framing.LengthTooShort when body.Length > 0 => (uint)random.Next(0, body.Length),
            Framing.LengthTooLong => (uint)(body.Length + random.Next(1, 64)),
            Framing.Huge => random.Next(3) switch { 0 => uint.MaxValue, 1 => (uint)int.MaxValue, _ => (uint)maxFrameBytes + 1 },
            Framing.Empty => 0u,
            _ => (uint)body.Length,
        };
        var bytes = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, length);
        body.CopyTo(bytes, 4);
        return (bytes, framing);
    }

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private byte[] Splice(Frame original) => random.Next(2) == 0 ? original.ToByteArray() : Bytes(random.Next(1, 40));

    private byte[] FlipBits(byte[] body)
    {
        if (body.Length > 0)
        {
            for (var flips = random.Next(1, 5); flips > 0; flips--)
            {
                body[random.Next(body.Length)] ^= (byte)(1 << random.Next(8));
            }
        }

        return body;
    }

    private byte[] OverwriteBytes(byte[] body)
    {
        if (body.Length > 0)
        {
            for (var n = random.Next(1, 5); n > 0; n--)
            {
                body[random.Next(body.Length)] = (byte)random.Next(256);
            }
        }

        return body;
    }

    /// <summary>A field the message may or may not know, of any wire type (also the invalid ones), before or after the rest.</summary>
    private byte[] AddField(byte[] body)
    {
        var number = random.Next(10) switch
        {
            < 5 => (uint)random.Next(1, 71),
            < 9 => (uint)random.Next(1, 1 << 29),
            _ => 0u,
        };
        var wireType = (uint)(random.Next(10) < 8 ? random.Next(4) switch { 0 => 0, 1 => 1, 2 => 2, _ => 5 } : random.Next(3, 8));
        var field = new List<byte>(Varint((number << 3) | wireType));
        switch (wireType)
        {
            case 0:
                field.AddRange(random.Next(10) == 0 ? Enumerable.Repeat((byte)0xFF, 11) : Varint((ulong)random.NextInt64()));
                break;
            case 1:
                field.AddRange(Bytes(8));
                break;
            case 2:
                var payload = Bytes(random.Next(0, 64));
                field.AddRange(Varint((ulong)(random.Next(10) == 0 ? payload.Length + random.Next(1, 1000) : payload.Length)));
                field.AddRange(payload);
                break;
            case 5:
                field.AddRange(Bytes(4));
                break;
        }

        return random.Next(3) == 0 ? [.. field, .. body] : [.. body, .. field];
    }

    private static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);

        return [.. bytes];
    }

    /// <summary>Changes one value: mostly a field of the request inside, sometimes the frame's seq or its kind.</summary>
    private void MutateValue(Frame frame)
    {
        var body = frame.BodyCase == Frame.BodyOneofCase.None
            ? null
            : (IMessage?)Frame.Descriptor.FindFieldByNumber((int)frame.BodyCase).Accessor.GetValue(frame);
        if (body is not null && random.Next(100) < 85)
        {
            MutateField(body, depth: 0);
        }
        else
        {
            MutateField(frame, depth: 1); // the seq, or another body kind (an empty one)
        }
    }

    private void MutateField(IMessage message, int depth)
    {
        var fields = message.Descriptor.Fields.InDeclarationOrder();
        if (fields.Count == 0)
        {
            return;
        }

        var field = fields[random.Next(fields.Count)];
        var accessor = field.Accessor;
        if (field.IsMap)
        {
            var map = (IDictionary)accessor.GetValue(message);
            for (var n = random.Next(1, random.Next(2) == 0 ? 3 : 30); n > 0; n--)
            {
                map[OddString() + n] = OddString();
            }

            return;
        }

        if (field.IsRepeated)
        {
            var list = (IList)accessor.GetValue(message);
            if (field.FieldType == FieldType.UInt64)
            {
                list.Add(U64());
            }

            return;
        }

        switch (field.FieldType)
        {
            case FieldType.UInt64:
                accessor.SetValue(message, U64());
                break;
            case FieldType.Int64:
                accessor.SetValue(message, random.Next(6) switch
                {
                    0 => long.MaxValue,
                    1 => long.MinValue,
                    2 => -1L,
                    3 => 0L,
                    4 => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + random.NextInt64(-100_000_000_000, 100_000_000_000),
                    _ => random.NextInt64(long.MinValue, long.MaxValue),
                });
                break;
            case FieldType.UInt32:
                accessor.SetValue(message, random.Next(4) switch { 0 => uint.MaxValue, 1 => 0u, _ => (uint)random.NextInt64(0, uint.MaxValue) });
                break;
            case FieldType.Bool:
                accessor.SetValue(message, !(bool)accessor.GetValue(message));
                break;
            case FieldType.String:
                accessor.SetValue(message, OddString());
                break;
            case FieldType.Enum:
                accessor.SetValue(message, Enum.ToObject(field.EnumType.ClrType, random.Next(3) == 0 ? random.Next() : random.Next(-1, 20)));
                break;
            case FieldType.Message when depth < 3:
                var inner = (IMessage?)accessor.GetValue(message) ?? field.MessageType.Parser.ParseFrom(ByteString.Empty);
                if (random.Next(3) > 0)
                {
                    MutateField(inner, depth + 1);
                }

                accessor.SetValue(message, inner);
                break;
        }
    }

    private ulong U64() => random.Next(7) switch
    {
        0 => ulong.MaxValue,
        1 => (ulong)long.MaxValue,
        2 => (ulong)long.MaxValue + 1,
        3 => 0,
        4 => 1,
        5 => (ulong)random.NextInt64(10_000_000, 13_000_000), // somebody's number, perhaps
        _ => (ulong)random.NextInt64(),
    };

    private string OddString() => random.Next(4) switch
    {
        0 => new string((char)random.Next(0x20, 0x7F), random.Next(0, 100)),
        1 => string.Concat(Enumerable.Range(0, random.Next(1, 20)).Select(_ => char.ConvertFromUtf32(RandomScalar()))),
        _ => OddStrings[random.Next(OddStrings.Length)],
    };

    private int RandomScalar()
    {
        var value = random.Next(0, 0x110000);
        return value is >= 0xD800 and <= 0xDFFF ? 0xFFFD : value;
    }
}
