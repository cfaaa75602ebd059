using System.Text.Json;
using Xunit.Abstractions;

namespace ImCells.Docker.Tests;

/// <summary>Users homed in different containers, through the real imcells CLI (and the driver for a long-lived roaming device).</summary>
[Collection("docker")]
public sealed class CrossCellTests(DockerCluster cluster, ITestOutputHelper output)
{
    private const string Pw = DockerCluster.Password;

    /// <summary>gina (cell a) writes to hank (cell b) while hank has never been online; hank reads it, answers, gina reads that.</summary>
    [Fact]
    public Task ChatBetweenContainers_OfflineDelivery() =>
        cluster.RunAsync(output, TimeSpan.FromMinutes(3), async _ =>
        {
            var gina = await cluster.RegisterAsync("gina", "a");
            var hank = await cluster.RegisterAsync("hank", "b");
            var sent = await cluster.UserCliAsync("send", "--user", $"{gina}", "--password", Pw, "--to", $"{hank}", "--text", "hello from a");
            output.WriteLine($"gina {gina} (cell a) → hank {hank} (cell b, offline): {sent}");

            var atHank = await ReceiveAsync(hank, gina, "hello from a");
            Assert.Equal(gina, atHank.GetProperty("from").GetUInt64());

            await cluster.UserCliAsync("send", "--user", $"{hank}", "--password", Pw, "--to", $"{gina}", "--text", "hello from b");
            var atGina = await ReceiveAsync(gina, hank, "hello from b");
            output.WriteLine($"hank got: {atHank}\ngina got: {atGina}");
        });

    /// <summary>ivy, homed in cell a, attaches at cell b; her home cell knows it, and a message from cell c reaches her there.</summary>
    [Fact]
    public Task Roaming_UserHomedInA_AttachesAtB() =>
        cluster.RunAsync(output, TimeSpan.FromMinutes(3), async ct =>
        {
            var ivy = await cluster.RegisterAsync("ivy", "a");
            var jack = await cluster.RegisterAsync("jack", "c");
            await using var roaming = cluster.Driver("receive", ivy, "--prefer-cell", "b", "--from", $"{jack}", "--tag", "r", "--count", "3", "--timeout-seconds", "90");
            await roaming.WaitForAsync("connected", PartitionTests.Is("connected"), TimeSpan.FromSeconds(60), ct);

            var where = await cluster.UserCliAsync("where", $"{ivy}", "--user", $"{jack}", "--password", Pw);
            output.WriteLine(where);
            Assert.Contains("home cell a", where);
            Assert.Contains("device receiver  serving cell b", where);
            Assert.Contains("chat server tls://cell-b:7301", where);

            for (var n = 0; n < 3; n++)
            {
                await cluster.UserCliAsync("send", "--user", $"{jack}", "--password", Pw, "--to", $"{ivy}", "--text", $"r:{n}");
            }

            var done = await roaming.DoneAsync(TimeSpan.FromSeconds(90), ct);
            Assert.True(done.GetProperty("complete").GetBoolean(), $"ivy, roaming at b, did not get all 3 messages from jack: {done}");
            Assert.Equal(["r:0", "r:1", "r:2"], done.GetProperty("texts").EnumerateArray().Select(t => t.GetString()));
        });

    /// <summary>`recv --json` of <paramref name="user"/>: the message from <paramref name="from"/> with <paramref name="text"/>.</summary>
    private async Task<JsonElement> ReceiveAsync(ulong user, ulong from, string text)
    {
        var lines = await cluster.UserCliAsync("recv", "--user", $"{user}", "--password", Pw, "--json", "--wait", "5");
        var messages = lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        return messages.SingleOrDefault(m => m.GetProperty("from").GetUInt64() == from && m.GetProperty("text").GetString() == text) is { ValueKind: JsonValueKind.Object } found
            ? found
            : throw new Xunit.Sdk.XunitException($"{user} did not receive '{text}' from {from}; recv printed: {lines}");
    }
}
