using System.Security.Cryptography.X509Certificates;

namespace ImCells.Client;

/// <summary>How an <see cref="ImClient"/> logs in, connects and surfaces messages.</summary>
public sealed class ImClientOptions
{
    /// <summary>
    /// The login server, e.g. https://login.example:7100 or (loopback development) http://127.0.0.1:7100;
    /// several may be given, comma-separated.
    /// </summary>
    public required string LoginUrl { get; init; }

    /// <summary>
    /// The cluster's CA certificate (data/pki/ca.crt of `imcells up`). When given, an https:// login
    /// server must chain to it and name a login server, and a tls:// chat server must chain to it and
    /// name a serving place of the cell login sent us to. Default: none, and TLS servers are checked
    /// against the system's trust store and their host name (a public certificate).
    /// </summary>
    public X509Certificate2? TrustedCa { get; init; }

    public required ulong UserId { get; init; }

    public required string Password { get; init; }

    /// <summary>Identifies this device; the server keeps an ack cursor per device. Default "default".</summary>
    public string DeviceId { get; init; } = "default";

    /// <summary>How long a request waits for its response. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long opening the TCP connection may take, and then its TLS handshake (tls:// endpoints). Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a request the server dedupes by its id (a group send, a group create) is asked again,
    /// with the same id, after UNAVAILABLE or a lost connection. Default 30 s.
    /// </summary>
    public TimeSpan ResendWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reconnect with backoff after an unexpected disconnect. Default true.</summary>
    public bool AutoReconnect { get; init; } = true;

    /// <summary>Resume point: messages with seq &gt; LastSeq are surfaced. Default 0 (everything).</summary>
    public ulong LastSeq { get; init; }

    /// <summary>
    /// Start at the mailbox head reported by the first connect, ignoring <see cref="LastSeq"/>:
    /// only messages that arrive afterwards are surfaced (a sender or a live chat needs no history).
    /// Default false.
    /// </summary>
    public bool SkipHistory { get; init; }

    /// <summary>
    /// Start after the newest seq this device acknowledged (the server's cursor, 0 when it never
    /// acked), ignoring <see cref="LastSeq"/>: a client that keeps no state of its own surfaces what
    /// arrived since it last ran. Ignored with <see cref="SkipHistory"/>. Default false.
    /// </summary>
    public bool ResumeFromDeviceCursor { get; init; }

    /// <summary>Attach to this cell instead of the home cell (roaming). Default: none.</summary>
    public string? PreferCell { get; init; }

    /// <summary>Attach to a cell of this region (ignored when <see cref="PreferCell"/> is set). Default: none.</summary>
    public string? Region { get; init; }

    /// <summary>Send Ack(seq) after surfacing messages, batched at most every 200 ms. Default true.</summary>
    public bool AutoAck { get; init; } = true;
}
