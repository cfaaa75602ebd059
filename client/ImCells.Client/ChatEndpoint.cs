namespace ImCells.Client;

/// <summary>
/// A chat server address as login hands it out: "host:port" (plaintext, for loopback development)
/// or "tls://host:port". IPv6 hosts are bracketed: "[::1]:7301".
/// </summary>
internal readonly record struct ChatEndpoint(string Host, int Port, bool Tls)
{
    public const string TlsScheme = "tls://";

    /// <exception cref="ImClientException">BAD_REQUEST: not host:port nor tls://host:port.</exception>
    public static ChatEndpoint Parse(string endpoint)
    {
        var tls = endpoint.StartsWith(TlsScheme, StringComparison.OrdinalIgnoreCase);
        var hostPort = tls ? endpoint[TlsScheme.Length..] : endpoint;
        var colon = hostPort.LastIndexOf(':');
        if (hostPort.Contains("://", StringComparison.Ordinal) || colon <= 0
            || !int.TryParse(hostPort.AsSpan(colon + 1), out var port) || port is <= 0 or > 65535)
        {
            throw new ImClientException(
                Protos.Client.ErrorCode.BadRequest, $"chat endpoint '{endpoint}' is not host:port or tls://host:port");
        }

        return new ChatEndpoint(hostPort[..colon].Trim('[', ']'), port, tls);
    }
}
