using System.CommandLine;
using System.CommandLine.Parsing;

namespace ImCells.Cli.CommandLine;

/// <summary>
/// Declares one command for System.CommandLine (help, completion, parse errors) and hands its body
/// the values as a <see cref="CliArgs"/>, so command bodies read "--name" the way they always did.
/// Every value option is a string here: the bodies parse numbers themselves with the same messages
/// everywhere. An old name of an option is a hidden option of its own that feeds the new name.
/// </summary>
internal sealed class CommandBuilder
{
    private readonly Command _command;
    private readonly List<Declared> _declared = [];
    private Argument? _positionals;

    public CommandBuilder(string name, string description)
    {
        _command = new Command(name, description);
    }

    /// <summary>An option that takes one value, e.g. --text T; <paramref name="oldNames"/> still work but are not shown.</summary>
    public CommandBuilder Value(string name, string valueName, string description, bool required = false, params string[] oldNames)
    {
        var option = new Option<string>(name) { Description = description, HelpName = valueName };
        Declare(option, name, Kind.Value, required, oldNames);
        return this;
    }

    /// <summary>An option that stands alone, e.g. --json.</summary>
    public CommandBuilder Flag(string name, string description)
    {
        Declare(new Option<bool>(name) { Description = description }, name, Kind.Flag, required: false, []);
        return this;
    }

    /// <summary>A value option that may be given more than once, e.g. --detail k=v.</summary>
    public CommandBuilder Repeated(string name, string valueName, string description)
    {
        var option = new Option<string[]>(name) { Description = description, HelpName = valueName, Arity = ArgumentArity.OneOrMore };
        Declare(option, name, Kind.Repeated, required: false, []);
        return this;
    }

    /// <summary>Words that are not options, e.g. the user number of `where N`; with <paramref name="choices"/>, only those (offered by completion).</summary>
    public CommandBuilder Words(string name, string description, int min, int max, params string[] choices)
    {
        // One word at most is a string: System.CommandLine will not convert a lone word to string[].
        _positionals = max == 1
            ? new Argument<string>(name) { Description = description, Arity = new ArgumentArity(min, max) }
            : new Argument<string[]>(name) { Description = description, Arity = new ArgumentArity(min, max) };
        if (choices.Length > 0)
        {
            // Not AcceptOnlyFromAmong: on a string[] argument it refuses the very words it lists.
            _positionals.HelpName = string.Join('|', choices);
            _positionals.CompletionSources.Add(choices);
            _positionals.Validators.Add(result =>
            {
                foreach (var token in result.Tokens.Where(t => !choices.Contains(t.Value, StringComparer.Ordinal)))
                {
                    result.AddError($"{name} must be {string.Join(" or ", choices)}, not '{token.Value}'");
                }
            });
        }

        _command.Add(_positionals);
        return this;
    }

    /// <summary>A value restricted to a few words, offered by completion, e.g. on|off.</summary>
    public CommandBuilder Choice(string name, string description, bool required, params string[] choices)
    {
        var option = new Option<string>(name) { Description = description, HelpName = string.Join('|', choices) };
        option.AcceptOnlyFromAmong(choices);
        Declare(option, name, Kind.Value, required, []);
        return this;
    }

    /// <summary>The options of every command that acts as a user (see <see cref="CommonOptions.User"/>).</summary>
    public CommandBuilder User(string? device = null) => CommonOptions.User(this, device);

    /// <summary>The options of every command that talks to login: --login and --ca.</summary>
    public CommandBuilder Login() => CommonOptions.Login(this);

    /// <summary>Adds a subcommand built elsewhere.</summary>
    public CommandBuilder Sub(Command command)
    {
        _command.Add(command);
        return this;
    }

    /// <summary>The finished command: its body gets the parsed options.</summary>
    public Command Run(Func<CliArgs, Task<int>> body)
    {
        _command.SetAction((result, _) => body(Collect(result)));
        return _command;
    }

    /// <summary>A command that only groups subcommands: alone it prints its help.</summary>
    public Command Group()
    {
        return _command;
    }

    private void Declare(Option option, string name, Kind kind, bool required, string[] oldNames)
    {
        _command.Add(option);
        var olds = new List<Option>();
        foreach (var old in oldNames)
        {
            Option hidden = kind == Kind.Flag
                ? new Option<bool>(old) { Hidden = true }
                : new Option<string>(old) { Hidden = true };
            _command.Add(hidden);
            olds.Add(hidden);
        }

        var declared = new Declared(name, kind, option, olds);
        _declared.Add(declared);
        if (required)
        {
            // Not Option.Required: an old name must satisfy it too.
            _command.Validators.Add(result =>
            {
                if (!declared.All().Any(o => result.GetResult(o) is { Implicit: false }))
                {
                    result.AddError($"{name} is required");
                }
            });
        }

        if (olds.Count > 0)
        {
            _command.Validators.Add(result =>
            {
                var given = declared.All().Where(o => result.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
                if (given.Count > 1)
                {
                    result.AddError($"{string.Join(" and ", given)} name the same thing: give one");
                }
            });
        }
    }

    private CliArgs Collect(ParseResult result)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var repeated = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        foreach (var declared in _declared)
        {
            foreach (var option in declared.All())
            {
                if (result.GetResult(option) is not { Implicit: false } given)
                {
                    continue;
                }

                var tokens = given.Tokens.Select(t => t.Value).ToList();
                switch (declared.Kind)
                {
                    case Kind.Flag:
                        if (tokens.Count == 0 || tokens[0].Equals("true", StringComparison.OrdinalIgnoreCase))
                        {
                            flags.Add(declared.Name);
                        }

                        break;
                    case Kind.Repeated:
                        repeated[declared.Name] = tokens;
                        break;
                    default:
                        values[declared.Name] = tokens.Count > 0 ? tokens[0] : "";
                        break;
                }
            }
        }

        var words = _positionals is null ? [] : result.GetResult(_positionals)?.Tokens.Select(t => t.Value) ?? [];
        return new CliArgs(values, repeated, flags, words);
    }

    private enum Kind
    {
        Value,
        Flag,
        Repeated,
    }

    private sealed record Declared(string Name, Kind Kind, Option Option, List<Option> OldNames)
    {
        public IEnumerable<Option> All() => [Option, .. OldNames];
    }
}
