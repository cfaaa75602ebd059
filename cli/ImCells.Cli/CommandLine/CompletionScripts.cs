namespace ImCells.Cli.CommandLine;

/// <summary>
/// The shell side of completion: hand imcells the line up to the cursor, with the command word
/// written "imcells" whatever was typed (./imcells, a path), and offer what it suggests.
/// </summary>
internal static class CompletionScripts
{
    public const string Bash = """
        # imcells completion for bash: source <(./imcells completion bash)
        _imcells_complete() {
          local line="imcells${COMP_LINE:${#COMP_WORDS[0]}:COMP_POINT-${#COMP_WORDS[0]}}"
          local IFS=$'\n'
          local suggestions
          suggestions="$("${COMP_WORDS[0]}" "[suggest:${#line}]" "$line" 2>/dev/null)" || return 0
          COMPREPLY=($(compgen -W "$suggestions" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _imcells_complete imcells ./imcells

        """;

    public const string Zsh = """
        # imcells completion for zsh: source <(./imcells completion zsh)
        _imcells() {
          local line="imcells ${(j: :)words[2,CURRENT]}"
          local -a suggestions
          suggestions=(${(f)"$(${words[1]} "[suggest:${#line}]" "$line" 2>/dev/null)"})
          compadd -a suggestions
        }
        compdef _imcells imcells ./imcells

        """;
}
