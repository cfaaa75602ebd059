using System.Net;
using ImCells.Topology;

namespace ImCells.Unit.Tests.Topology;

/// <summary>Topology endpoints may name hosts by address or by DNS name (servers on other hosts, containers).</summary>
public sealed class EndpointsTests
{
    [Theory]
    [InlineData("tls://cell-a:7301", "cell-a", 7301, true)]
    [InlineData("127.0.0.1:7301", "127.0.0.1", 7301, false)]
    [InlineData("tls://[::1]:7301", "::1", 7301, true)]
    [InlineData("chat.example.org:443", "chat.example.org", 443, false)]
    [InlineData("localhost:7301", "localhost", 7301, false)]
    public void ChatEntries_ByAddressOrName(string entry, string host, int port, bool tls)
    {
        Assert.True(Endpoints.TryParseChat(entry, out var parsedHost, out var parsedPort, out var parsedTls));
        Assert.Equal((host, port, tls), (parsedHost, parsedPort, parsedTls));
    }

    [Theory]
    [InlineData("cell-a")]
    [InlineData("cell-a:0")]
    [InlineData("cell-a:65536")]
    [InlineData("cell-a:port")]
    [InlineData(":7301")]
    [InlineData("bad host:7301")]
    [InlineData("tls://[cell-a]:7301")]
    [InlineData("https://cell-a:7301")]
    public void MalformedChatEntries_AreRefused(string entry) =>
        Assert.False(Endpoints.TryParseChat(entry, out _, out _, out _));

    [Fact]
    public void ABindAddress_ReplacesTheHost_KeepingThePort() =>
        Assert.Equal(new IPEndPoint(IPAddress.Any, 7201), Endpoints.ListenEndPoint("cell-a", 7201, IPAddress.Any));

    [Theory]
    [InlineData("10.1.2.3", "10.1.2.3")]
    [InlineData("localhost", "127.0.0.1")]
    [InlineData("::1", "::1")]
    public void WithoutABindAddress_TheTopologysHostIsBound(string host, string address) =>
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), 7000), Endpoints.ListenEndPoint(host, 7000, bind: null));

    [Fact]
    public void Urls_GiveTheirHostAndPort() =>
        Assert.Equal(("master", 7000), Endpoints.ParseUrl("https://master:7000"));

    [Fact]
    public void ATopologyOfNamedHosts_IsValid()
    {
        var map = TopologyFile.Parse("""
            { "version": 1, "master": { "grpc": "https://master:7000" }, "login": [ { "http": "https://login-0:7100" } ],
              "cells": [
                { "id": "a", "ranges": [ { "first": 1, "last": 9 } ], "grpc": "https://cell-a:7201", "chat": [ "tls://cell-a:7301" ],
                  "database": { "provider": "sqlite", "connection": "Data Source=/data/cell-a.db" } },
                { "id": "b", "ranges": [ { "first": 10, "last": 19 } ], "grpc": "https://cell-b:7201", "chat": [ "tls://cell-b:7301" ],
                  "database": { "provider": "sqlite", "connection": "Data Source=/data/cell-b.db" } } ] }
            """);

        Assert.Equal(["https://cell-a:7201", "https://cell-b:7201"], map.Cells.Select(c => c.Grpc));
        Assert.Contains("cell-b", map.Processes().Single(p => p.Identity.FileStem == "cell-b").Hosts);
    }
}
