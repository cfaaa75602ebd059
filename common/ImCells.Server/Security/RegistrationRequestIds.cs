using System.Text.RegularExpressions;

namespace ImCells.Server.Security;

/// <summary>The client's id of a registration (login and cell check it alike): short and printable, like a device id.</summary>
public static partial class RegistrationRequestIds
{
    public const string Rule = "request id must be 1-64 of A-Z a-z 0-9 . _ : -";

    public static bool IsValid(string requestId) => Pattern().IsMatch(requestId);

    // \z, not $: "$" would also accept a trailing newline.
    [GeneratedRegex(@"\A[A-Za-z0-9._:-]{1,64}\z")]
    private static partial Regex Pattern();
}
