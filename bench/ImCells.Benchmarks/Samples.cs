using ImCells.Protos.Client;
using ImCells.Registry.Hlr;

namespace ImCells.Benchmarks;

/// <summary>One realistic message: 64 bytes of text, ids shaped like the server's.</summary>
internal static class Samples
{
    public const ulong Sender = 10_000_001;
    public const ulong Receiver = 10_000_002;
    public const string Text = "0:17:4242:123456789012:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
    public const string ClientMsgId = "6f1c2b7e9a3d4c5b8e0f1a2b3c4d5e6f";
    public const string MessageId = "a-193f0c2a1b2-4f1a2b3c";

    public static MailboxEntry ReceiverEntry(ulong seq) => new(Receiver, seq, MessageId, Sender, Receiver, Text, 1_750_000_000_000);

    public static Frame NewMessageFrame() => new()
    {
        NewMessage = new NewMessage
        {
            Message = new ChatMessage { Id = MessageId, From = Sender, To = Receiver, Seq = 123_456, Text = Text, SentAtMs = 1_750_000_000_000 },
        },
    };
}
