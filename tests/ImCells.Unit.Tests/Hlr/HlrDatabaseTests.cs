using Dapper;

namespace ImCells.Unit.Tests.Hlr;

public sealed class HlrDatabaseTests
{
    [Theory]
    [HlrProviders]
    public async Task QueuedWrites_OneFails_OthersCommitAndCallbacksRunInQueueOrder(string provider)
    {
        await using var hlr = await TempHlr.CreateAsync(provider);
        await hlr.Database.WriteAsync((c, t) => c.ExecuteAsync("CREATE TABLE t (id INTEGER PRIMARY KEY)", transaction: t), null, CancellationToken.None);
        var order = new List<int>();

        var writes = Enumerable.Range(0, 100).Select(i => hlr.Database.WriteAsync(
            // write 50 inserts a key that write 49 already took: a constraint violation inside a batch
            (c, t) => c.ExecuteAsync("INSERT INTO t (id) VALUES (@id)", new { id = i == 50 ? 49 : i }, t),
            _ => order.Add(i),
            CancellationToken.None)).ToList();
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                await w;
                return true;
            }
            catch (System.Data.Common.DbException)
            {
                return false;
            }
        }));

        Assert.Equal(99, outcomes.Count(o => o));
        Assert.False(outcomes[50]);
        Assert.Equal(Enumerable.Range(0, 100).Where(i => i != 50), order);
        var stored = await hlr.Database.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM t"), CancellationToken.None);
        Assert.Equal(99, stored);
    }
}
