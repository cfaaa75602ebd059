using System.Data.Common;

namespace ImCells.Registry.Hlr;

/// <summary>
/// Prepared commands of the writer connection, one per SQL text, reused for every write: the hot
/// path (a send is about ten statements) then pays no parsing or planning. Used only from the
/// writer loop, which runs one write at a time, so no locking.
/// </summary>
internal sealed class WriterCommands(DbConnection writer)
{
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    public DbCommand Get(DbTransaction transaction, string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = writer.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }

        command.Transaction = transaction;
        return command;
    }

    public static DbCommand Bind(DbCommand command, string name, object? value)
    {
        if (command.Parameters.Contains(name))
        {
            command.Parameters[name].Value = value ?? DBNull.Value;
        }
        else
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
    }
}
