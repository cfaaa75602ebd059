using System.Globalization;

namespace ImCells.Cli;

/// <summary>Times on the command line: ISO-8601 in, ISO-8601 UTC with milliseconds out.</summary>
internal static class IsoTime
{
    public static string Format(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime
            .ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>"2026-12-01T09:00:00Z" or with an offset; no offset means UTC.</summary>
    public static DateTimeOffset Parse(string option, string value) =>
        DateTimeOffset.TryParse(
            value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var time)
            ? time
            : throw new UsageException($"{option} must be an ISO-8601 time such as 2026-12-01T09:00:00Z, not '{value}'");
}
