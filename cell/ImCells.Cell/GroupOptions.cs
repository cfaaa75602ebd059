using Microsoft.Extensions.Options;

namespace ImCells.Cell;

/// <summary>Limits of group chat. Bound from the "Groups" configuration section, checked at start.</summary>
public sealed class GroupOptions
{
    public const string Section = "Groups";

    /// <summary>Most members of one group (default 10 000), 2..1 000 000.</summary>
    public int MaxMembers { get; set; } = 10_000;

    /// <summary>Most groups one user belongs to at once (default 1 000), at least 1.</summary>
    public int MaxGroupsPerUser { get; set; } = 1_000;

    /// <summary>
    /// Above this many members a new entry is pushed only to devices whose presence is ONLINE; AWAY
    /// devices learn at their next GroupSync (default 500).
    /// </summary>
    public int PushThreshold { get; set; } = 500;

    /// <summary>Most users one create or add names (default 1 000), 1..2 000 (one database IN list).</summary>
    public int MaxMembersPerChange { get; set; } = 1_000;

    /// <summary>Longest group name in characters (default 64).</summary>
    public int MaxNameLength { get; set; } = 64;
}

/// <summary>The rules for <see cref="GroupOptions"/>; each failure names the setting as the operator writes it.</summary>
internal sealed class GroupOptionsValidation : IValidateOptions<GroupOptions>
{
    public ValidateOptionsResult Validate(string? name, GroupOptions o)
    {
        var errors = new ValidateOptionsResultBuilder();
        Check(errors, o.MaxMembers is >= 2 and <= 1_000_000, "MaxMembers", o.MaxMembers, "must be 2..1000000");
        Check(errors, o.MaxGroupsPerUser >= 1, "MaxGroupsPerUser", o.MaxGroupsPerUser, "must be at least 1");
        Check(errors, o.PushThreshold >= 0, "PushThreshold", o.PushThreshold, "must be 0 or more");
        Check(errors, o.MaxMembersPerChange is >= 1 and <= 2_000, "MaxMembersPerChange", o.MaxMembersPerChange, "must be 1..2000");
        Check(errors, o.MaxNameLength is >= 1 and <= 1_000, "MaxNameLength", o.MaxNameLength, "must be 1..1000");
        return errors.Build();
    }

    private static void Check(ValidateOptionsResultBuilder errors, bool ok, string key, int value, string rule)
    {
        if (!ok)
        {
            errors.AddError($"{GroupOptions.Section}:{key} = {value}: {rule}");
        }
    }
}
