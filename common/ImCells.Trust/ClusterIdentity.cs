using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace ImCells.Trust;

/// <summary>
/// Who a certificate of the cluster names, as its URI subject alternative name
/// spiffe://imcells/{role}/{id}: spiffe://imcells/master/master, spiffe://imcells/login/1,
/// spiffe://imcells/cell/a, spiffe://imcells/chat/a/2 (the cell a's chat server 2, serving id "a#2"),
/// spiffe://imcells/operator/admin.
/// </summary>
public sealed partial record ClusterIdentity
{
    public const string Scheme = "spiffe";
    public const string TrustDomain = "imcells";
    private const char ChatServerMark = '#';

    private ClusterIdentity(ClusterRole role, string id)
    {
        Role = role;
        Id = id;
    }

    public ClusterRole Role { get; }

    /// <summary>The id within the role: the cell id, "a#2" for a chat server, the login index, the operator name.</summary>
    public string Id { get; }

    /// <summary>The cell a cell or chat server belongs to; empty for other roles.</summary>
    public string CellId => Role switch
    {
        ClusterRole.Cell => Id,
        ClusterRole.Chat => Id[..Id.IndexOf(ChatServerMark)],
        _ => "",
    };

    /// <summary>Whether this process serves devices (a cell or one of its chat servers).</summary>
    public bool IsServingPlace => Role is ClusterRole.Cell or ClusterRole.Chat;

    public Uri Uri => new(Role == ClusterRole.Chat
        ? $"{Scheme}://{TrustDomain}/chat/{CellId}/{Id[(Id.IndexOf(ChatServerMark) + 1)..]}"
        : $"{Scheme}://{TrustDomain}/{RoleName(Role)}/{Id}");

    /// <summary>A short file-name-safe form: "cell-a", "chat-a-2", "operator-admin".</summary>
    public string FileStem => $"{RoleName(Role)}-{Id.Replace(ChatServerMark, '-')}";

    public static ClusterIdentity Master { get; } = new(ClusterRole.Master, "master");

    public static ClusterIdentity Login(int index) => new(ClusterRole.Login, index.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static ClusterIdentity Cell(string cellId) => new(ClusterRole.Cell, CheckedName(cellId, nameof(cellId)));

    public static ClusterIdentity ChatServer(string cellId, int number) =>
        number > 0
            ? new(ClusterRole.Chat, $"{CheckedName(cellId, nameof(cellId))}{ChatServerMark}{number}")
            : throw new ArgumentOutOfRangeException(nameof(number), "chat server numbers start at 1");

    /// <summary>The place serving devices: "a" is the cell a, "a#2" its chat server 2.</summary>
    public static ClusterIdentity ServingPlace(string servingId)
    {
        var mark = servingId.IndexOf(ChatServerMark);
        return mark < 0
            ? Cell(servingId)
            : ChatServer(servingId[..mark], int.Parse(servingId[(mark + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public static ClusterIdentity Operator(string name) => new(ClusterRole.Operator, CheckedName(name, nameof(name)));

    public static bool TryParse(Uri uri, [NotNullWhen(true)] out ClusterIdentity? identity)
    {
        identity = null;
        if (!uri.IsAbsoluteUri || uri.Scheme != Scheme || uri.Host != TrustDomain || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return false;
        }

        var parts = uri.AbsolutePath.Trim('/').Split('/');
        identity = (parts.Length, parts[0]) switch
        {
            (2, "master") when parts[1] == "master" => Master,
            (2, "login") when int.TryParse(parts[1], out var n) && n >= 0 => Login(n),
            (2, "cell") when Name().IsMatch(parts[1]) => new(ClusterRole.Cell, parts[1]),
            (3, "chat") when Name().IsMatch(parts[1]) && int.TryParse(parts[2], out var n) && n > 0 => ChatServer(parts[1], n),
            (2, "operator") when Name().IsMatch(parts[1]) => new(ClusterRole.Operator, parts[1]),
            _ => null,
        };
        return identity is not null;
    }

    public override string ToString() => Uri.ToString();

    private static string RoleName(ClusterRole role) => role.ToString().ToLowerInvariant();

    private static string CheckedName(string name, string parameter) =>
        Name().IsMatch(name) ? name : throw new ArgumentException($"'{name}' is not a valid name (1-64 of a-z A-Z 0-9 _ -)", parameter);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex Name();
}
