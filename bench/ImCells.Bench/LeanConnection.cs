using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Google.Protobuf;
using ImCells.Client;
using ImCells.Protos;
using ImCells.Protos.Client;
using ImCells.Trust;

namespace ImCells.Bench;

/// <summary>
/// A bare client connection for load generation: one socket (TLS for a tls:// endpoint, checked as
/// the client library checks it), the real framing (<see cref="FrameCodec"/>), Auth then AuthOk, and
/// after that whatever the benchmark sends. No reconnects, no sync, no per-request tasks: thousands
/// of these must cost the load process far less than the server.
/// </summary>
internal sealed class LeanConnection : IDisposable
{
    private const int InitialBuffer = 512;

    // IP_BIND_ADDRESS_NO_PORT (linux/in.h): pick the source port at connect time, by the full 4-tuple.
    private const int SolIp = 0;
    private const int IpBindAddressNoPort = 24;

    private readonly Socket _socket;
    private readonly SslStream? _tls;
    private readonly Lock _sendLock = new();
    private byte[] _buffer = new byte[InitialBuffer];
    private int _start;
    private int _end;
    private volatile bool _closed;

    private LeanConnection(Socket socket, SslStream? tls)
    {
        _socket = socket;
        _tls = tls;
    }

    public AuthOk AuthOk { get; private set; } = new();

    public bool IsClosed => _closed;

    /// <summary>
    /// Connects (bound to <paramref name="source"/> when given), runs the TLS handshake of a tls://
    /// endpoint (the server must be a serving place of <paramref name="cellId"/> when
    /// <paramref name="trust"/> is given), authenticates, and returns once AuthOk arrived.
    /// </summary>
    /// <param name="phases">When given, gets the moment each step of the connect ended.</param>
    /// <param name="tlsName">
    /// The server name sent in the handshake instead of the endpoint's IP address (needs <paramref name="trust"/>,
    /// which checks the certificate by identity, not by name): .NET on Linux resumes TLS sessions only by host name.
    /// </param>
    /// <exception cref="BenchException">The server refused the Auth or closed the connection.</exception>
    /// <exception cref="ImClientException">The TLS handshake failed.</exception>
    public static async Task<LeanConnection> ConnectAsync(
        string endpoint, IPAddress? source, string token, ClusterTrust? trust, string cellId, TimeSpan timeout, CancellationToken ct,
        ConnectPhases? phases = null, string? tlsName = null)
    {
        var (chat, target) = ParseEndpoint(endpoint);
        if (tlsName is not null && trust is not null)
        {
            chat = chat with { Host = tlsName };
        }

        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SslStream? stream = null;
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(timeout);
            if (source is not null)
            {
                try
                {
                    socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, BitConverter.GetBytes(1));
                }
                catch (SocketException)
                {
                    // Older kernels: the port is chosen at bind time, ~28 000 per source address.
                }

                socket.Bind(new IPEndPoint(source, 0));
            }

            await socket.ConnectAsync(target, deadline.Token);
            phases?.Mark(ref phases.TcpDone);
            if (chat.Tls)
            {
                stream = await ChatTls.HandshakeAsync(socket, endpoint, chat, trust, cellId, timeout, ct);
            }

            phases?.Mark(ref phases.TlsDone);
            var connection = new LeanConnection(socket, stream);
            connection.Send(new Frame { Seq = 1, Auth = new Auth { Token = token } });
            var reply = await connection.ReadFrameAsync(deadline.Token)
                ?? throw new BenchException($"{endpoint} closed the connection before AuthOk");
            phases?.Mark(ref phases.AuthDone);
            return reply.BodyCase switch
            {
                Frame.BodyOneofCase.AuthOk => connection.WithAuthOk(reply.AuthOk),
                Frame.BodyOneofCase.Error => throw new BenchException($"Auth refused by {endpoint}: {reply.Error.Code} {reply.Error.Message}"),
                _ => throw new BenchException($"expected AuthOk from {endpoint}, got {reply.BodyCase}"),
            };
        }
        catch
        {
            stream?.Dispose();
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> and reads until the frame answering its seq arrives (notifies in
    /// between are skipped). Only before <see cref="RunReadLoopAsync"/>: the caller is the one reader.
    /// </summary>
    public async Task<Frame> RequestAsync(Frame request, CancellationToken ct)
    {
        if (!Send(request))
        {
            throw new BenchException("the connection is closed");
        }

        while (true)
        {
            var frame = await ReadFrameAsync(ct) ?? throw new BenchException($"the server closed the connection before answering {request.BodyCase}");
            if (frame.Seq == request.Seq)
            {
                return frame;
            }
        }
    }

    /// <summary>Writes one frame; frames from several threads never interleave. False once the connection is gone.</summary>
    public bool Send(Frame frame)
    {
        var size = frame.CalculateSize();
        var rented = ArrayPool<byte>.Shared.Rent(FrameCodec.HeaderSize + size);
        try
        {
            BinaryPrimitives.WriteUInt32BigEndian(rented, (uint)size);
            frame.WriteTo(rented.AsSpan(FrameCodec.HeaderSize, size));
            return SendRaw(rented.AsSpan(0, FrameCodec.HeaderSize + size));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Writes bytes that are already framed (a Ping serialized once for every connection).</summary>
    public bool SendRaw(ReadOnlySpan<byte> framed)
    {
        if (_closed)
        {
            return false;
        }

        try
        {
            lock (_sendLock)
            {
                if (_tls is not null)
                {
                    _tls.Write(framed);
                    return true;
                }

                while (!framed.IsEmpty)
                {
                    var sent = _socket.Send(framed);
                    framed = framed[sent..];
                }
            }

            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            _closed = true;
            return false;
        }
    }

    /// <summary>Reads frames until the peer closes or <paramref name="ct"/> fires; each goes to <paramref name="onFrame"/> on this loop.</summary>
    public async Task RunReadLoopAsync(Action<Frame> onFrame, CancellationToken ct)
    {
        try
        {
            while (await ReadFrameAsync(ct) is { } frame)
            {
                onFrame(frame);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or BenchException or IOException)
        {
        }
        finally
        {
            _closed = true;
        }
    }

    public void Dispose()
    {
        _closed = true;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        _socket.Dispose();
        _tls?.Dispose();
    }

    public static byte[] Framed(Frame frame)
    {
        var writer = new ArrayBufferWriter<byte>();
        FrameCodec.Write(writer, frame);
        return writer.WrittenSpan.ToArray();
    }

    private LeanConnection WithAuthOk(AuthOk authOk)
    {
        AuthOk = authOk;
        return this;
    }

    private async ValueTask<Frame?> ReadFrameAsync(CancellationToken ct)
    {
        while (true)
        {
            if (_end > _start)
            {
                var sequence = new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
                var status = FrameCodec.TryRead(ref sequence, FrameCodec.DefaultMaxFrameBytes, out var frame);
                if (status == FrameReadStatus.Frame)
                {
                    _start = _end - (int)sequence.Length;
                    return frame;
                }

                if (status != FrameReadStatus.Incomplete)
                {
                    throw new BenchException($"server sent a bad frame ({status})");
                }
            }

            MakeRoom();
            var read = _tls is null
                ? await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct)
                : await _tls.ReadAsync(_buffer.AsMemory(_end), ct);
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    // Keeps unread bytes at the front and grows the buffer when a frame needs more than it holds.
    private void MakeRoom()
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }

        var needed = _end - _start + 1;
        if (_end - _start >= FrameCodec.HeaderSize)
        {
            needed = Math.Max(needed, FrameCodec.HeaderSize + (int)BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_start)));
        }

        if (needed > _buffer.Length)
        {
            var bigger = new byte[Math.Max(needed, _buffer.Length * 2)];
            _buffer.AsSpan(_start, _end - _start).CopyTo(bigger);
            _buffer = bigger;
            _end -= _start;
            _start = 0;
        }
        else if (_end == _buffer.Length)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
    }

    // The load generator binds source addresses, so it takes IP addresses only.
    private static (ChatEndpoint Chat, IPEndPoint Target) ParseEndpoint(string endpoint)
    {
        var chat = ChatEndpoint.Parse(endpoint);
        return IPAddress.TryParse(chat.Host, out var address)
            ? (chat, new IPEndPoint(address, chat.Port))
            : throw new BenchException($"chat endpoint '{endpoint}' is not ip:port or tls://ip:port");
    }
}
