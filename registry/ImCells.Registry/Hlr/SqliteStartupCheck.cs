using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace ImCells.Registry.Hlr;

/// <summary>
/// What a cell checks of its SQLite file before it serves from it (docs/SECURITY.md, "a damaged
/// database"): that no committed write was lost with the -wal file, that the file's structure is
/// sound (quick_check or integrity_check), and that no user's head_seq is below a seq in their
/// mailbox (the next send would take a seq already used). The scans share a time budget
/// (<see cref="HlrOptions.IntegrityCheckSeconds"/>): a file too large to scan within it is checked
/// as far as the budget goes, with a warning. A finding stops the start (<see cref="HlrOpenException"/>).
/// </summary>
internal sealed partial class SqliteStartupCheck
{
    private const int SqliteInterrupt = 9;
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;
    private const int FindingsShown = 3;

    private readonly string? _path;
    private readonly string _file;
    private readonly HlrOptions _options;
    private readonly ILogger _logger;
    private readonly Stopwatch _elapsed = new();
    private bool _cutShort;

    public SqliteStartupCheck(string? file, HlrOptions options, ILogger logger)
    {
        _path = file;
        _file = file ?? "(in memory)";
        _options = options;
        _logger = logger;
    }

    private TimeSpan Budget => TimeSpan.FromSeconds(_options.IntegrityCheckSeconds);

    private bool Scans => _options.IntegrityCheck != HlrIntegrityCheck.Off;

    /// <summary>
    /// Before SQLite opens the file (the first connection rebuilds the -shm file from the -wal file,
    /// and would so forget a loss): the -shm file said the WAL held <see cref="WalIndexHeader.MaxFrame"/>
    /// committed frames; fewer in the -wal file, beyond those already copied into the database file,
    /// means acknowledged writes are gone (a -wal file deleted or cut short after a crash, or not
    /// written to the disk before a machine crash).
    /// </summary>
    public void BeforeOpen()
    {
        if (_path is null || WalIndexHeader.Read(_path + "-shm") is not { } index || index.MaxFrame <= index.Backfilled)
        {
            return;
        }

        var kept = Math.Max(WalFile.CommittedFrames(_path + "-wal", index.Salt), index.Backfilled);
        if (index.MaxFrame > kept)
        {
            throw new HlrOpenException(
                $"database {_file} lost committed writes: its -shm file records {index.MaxFrame} committed WAL frames, " +
                $"{index.MaxFrame - kept} of them neither in the database file nor in the -wal file (deleted or cut short after a crash?); " +
                $"put the -wal file back, or delete {_file}-shm to start with what the database file holds");
        }
    }

    /// <summary>Right after the first connection opened, before migrations: the file's structure.</summary>
    public async Task AfterOpenAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        _elapsed.Start();
        if (!Scans)
        {
            ScanOff(_logger, _file);
            return;
        }

        var pragma = _options.IntegrityCheck == HlrIntegrityCheck.Full ? "integrity_check" : "quick_check";
        var findings = await BoundedAsync(connection, pragma, $"PRAGMA {pragma}", r => r.GetString(0), cancellationToken);
        if (findings is [not "ok", ..])
        {
            throw Damaged($"{pragma} found damage: {string.Join("; ", findings.Take(FindingsShown))}",
                "restore it from a backup, or save what is readable with: sqlite3 FILE .recover");
        }
    }

    /// <summary>After migrations (the tables exist): every user's head_seq is at least their newest mailbox seq.</summary>
    public async Task AfterMigrationsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        if (!Scans)
        {
            return;
        }

        // One index seek per user (the mailbox key is user_id, seq), not a scan of the mailbox.
        var behind = await BoundedAsync(connection, "the head_seq check",
            "SELECT id, head_seq, newest FROM (SELECT id, head_seq, (SELECT max(seq) FROM mailbox WHERE user_id = users.id) AS newest FROM users) WHERE newest > head_seq",
            r => $"user {r.GetInt64(0)} has head_seq {r.GetInt64(1)} but mailbox seq {r.GetInt64(2)}", cancellationToken);
        if (behind is { Count: > 0 })
        {
            throw Damaged($"{behind.Count} user(s) have messages above their head_seq ({string.Join("; ", behind.Take(FindingsShown))})",
                "the file was changed outside the cell; restore it from a backup");
        }

        _elapsed.Stop();
        if (_cutShort)
        {
            CheckCutShort(_logger, _file, _options.IntegrityCheckSeconds);
        }
        else
        {
            Checked(_logger, _file, _options.IntegrityCheck, (long)_elapsed.Elapsed.TotalMilliseconds);
        }
    }

    /// <summary>Runs <paramref name="sql"/> within what is left of the budget; the rows it gave, or null when the budget ran out.</summary>
    private async Task<List<string>?> BoundedAsync(SqliteConnection connection, string what, string sql, Func<SqliteDataReader, string> row, CancellationToken cancellationToken)
    {
        var left = Budget - _elapsed.Elapsed;
        if (left <= TimeSpan.Zero)
        {
            _cutShort = true;
            return null;
        }

        // sqlite3_interrupt stops the running statement; called when none runs, it does nothing.
        var timer = new Timer(_ => SQLitePCL.raw.sqlite3_interrupt(connection.Handle), null, left, Timeout.InfiniteTimeSpan);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var rows = new List<string>();
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(row(reader).ReplaceLineEndings(" "));
            }

            return rows;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteInterrupt)
        {
            _cutShort = true;
            return null;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase)
        {
            throw Damaged($"{what} failed: {e.Message.TrimEnd('.')}", "restore it from a backup, or save what is readable with: sqlite3 FILE .recover", e);
        }
        catch (SqliteException e)
        {
            throw new HlrOpenException($"database {_file} cannot be checked ({what}): {e.Message}", e);
        }
        finally
        {
            await timer.DisposeAsync();
        }
    }

    private HlrOpenException Damaged(string finding, string advice, Exception? inner = null) =>
        new($"database {_file} is damaged: {finding}; {advice.Replace("FILE", _file, StringComparison.Ordinal)} " +
            "(Hlr:IntegrityCheck=off starts without this check)", inner);

    [LoggerMessage(10, LogLevel.Information, "HLR {File} checked at start ({Check}) in {Milliseconds} ms: no damage found")]
    private static partial void Checked(ILogger logger, string file, string check, long milliseconds);

    [LoggerMessage(11, LogLevel.Warning, "HLR {File}: the start-up check stopped after {Seconds} s (Hlr:IntegrityCheckSeconds); the rest of the file was not checked")]
    private static partial void CheckCutShort(ILogger logger, string file, int seconds);

    [LoggerMessage(12, LogLevel.Warning, "HLR {File}: the start-up integrity check is off (Hlr:IntegrityCheck=off)")]
    private static partial void ScanOff(ILogger logger, string file);
}
