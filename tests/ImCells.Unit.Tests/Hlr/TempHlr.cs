using ImCells.Registry.Hlr;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImCells.Unit.Tests.Hlr;

/// <summary>A real SQLite HLR in a temporary folder, deleted afterwards.</summary>
internal sealed class TempHlr : IAsyncDisposable
{
    private readonly string _folder;

    private TempHlr(string folder, HlrDatabase database, HlrOptions options)
    {
        _folder = folder;
        Database = database;
        Accounts = new AccountStore(database, options);
        Mailboxes = new MailboxStore(database);
    }

    public HlrDatabase Database { get; }

    public AccountStore Accounts { get; }

    public MailboxStore Mailboxes { get; }

    public static async Task<TempHlr> CreateAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "imcells-hlr-" + Guid.NewGuid().ToString("N"));
        var options = new HlrOptions { Connection = $"Data Source={folder}/cell.db;Pooling=False", PasswordIterations = 1000 };
        var database = await HlrDatabase.OpenAsync(options, NullLogger.Instance, CancellationToken.None);
        return new TempHlr(folder, database, options);
    }

    public async Task<ulong> AddUserAsync(string name, ulong first = 10_000_000, ulong last = 10_999_999) =>
        (await Accounts.RegisterAsync(name, "pw", [(first, last)], CancellationToken.None))!.Id;

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
