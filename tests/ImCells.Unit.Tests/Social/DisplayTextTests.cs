using ImCells.Cell.Chat;
using ImCells.Cell.Social;
using ImCells.Protos.Client;

namespace ImCells.Unit.Tests.Social;

/// <summary>The rule for names, nicknames and other text shown to other users (docs/SECURITY.md, "Hostile clients: input rules").</summary>
public sealed class DisplayTextTests
{
    [Fact]
    public void ThisProcess_CanNormalize() => Assert.True(DisplayText.CanNormalize, "no ICU: the cell could not normalise names");

    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("  alice  ", "alice")]
    [InlineData("José", "José")]
    [InlineData("Jose\u0301", "Jos\u00e9")] // decomposed é becomes the one code point
    [InlineData("\u1100\u1161\u11A8", "\uAC01")] // conjoining jamo compose to a Hangul syllable
    [InlineData("Åsa Ölund", "Åsa Ölund")]
    [InlineData("李小龍", "李小龍")]
    [InlineData("محمد", "محمد")] // right-to-left script itself is fine; only the controls are refused
    [InlineData("Ελένη", "Ελένη")]
    [InlineData("नमस्ते", "नमस्ते")]
    [InlineData("bob 🙂", "bob 🙂")]
    [InlineData("❤\uFE0F", "❤\uFE0F")] // a variation selector is a mark, not a format character
    [InlineData("O'Brien-Smith (work)", "O'Brien-Smith (work)")]
    public void Accepted_NormalisedToNfcAndTrimmed(string given, string stored)
    {
        Assert.Null(DisplayText.Check(given, "name", 64, out var clean, required: true));
        Assert.Equal(stored, clean);
    }

    [Theory]
    [InlineData("\u202Eevil", "U+202E", "bidirectional")] // right-to-left override
    [InlineData("abc\u202Agh", "U+202A", "bidirectional")]
    [InlineData("a\u2066b\u2069", "U+2066", "bidirectional")] // isolates
    [InlineData("admin\u200E", "U+200E", "bidirectional")] // left-to-right mark
    [InlineData("\u061Cx", "U+061C", "bidirectional")]
    [InlineData("ali\u200Bce", "U+200B", "invisible format")] // zero-width space
    [InlineData("ali\u200Cce", "U+200C", "invisible format")]
    [InlineData("ali\u200Dce", "U+200D", "invisible format")]
    [InlineData("\uFEFFalice", "U+FEFF", "invisible format")] // BOM
    [InlineData("ali\u00ADce", "U+00AD", "invisible format")] // soft hyphen
    [InlineData("flag\U000E0067", "U+E0067", "invisible format")] // tag character
    [InlineData("a\u0000b", "U+0000", "control")]
    [InlineData("a\tb", "U+0009", "control")]
    [InlineData("a\u0085b", "U+0085", "control")]
    [InlineData("a\u001Bb", "U+001B", "control")] // escape: terminal sequences
    [InlineData("line\nbreak", "U+000A", "line break")]
    [InlineData("a\u2028b", "U+2028", "line break")]
    [InlineData("a\u2029b", "U+2029", "line break")]
    [InlineData("\uE000logo", "U+E000", "private-use")]
    [InlineData("x\U000F0000", "U+F0000", "private-use")]
    [InlineData("a\u0378b", "U+0378", "unassigned")]
    [InlineData("a\uFDD0b", "U+FDD0", "noncharacter")]
    [InlineData("a\uFFFEb", "U+FFFE", "noncharacter")]
    [InlineData("\u3164", "U+3164", "invisible filler")] // Hangul filler: a name that looks empty
    [InlineData("a\u2800b", "U+2800", "invisible filler")] // braille blank
    [InlineData("a\u034Fb", "U+034F", "invisible filler")] // combining grapheme joiner
    public void Refused_NamingTheCodePointAndTheField(string given, string codePoint, string what)
    {
        var problem = DisplayText.Check(given, "nickname", 64, out var clean);

        Assert.NotNull(problem);
        Assert.StartsWith("nickname ", problem, StringComparison.Ordinal);
        Assert.Contains(codePoint, problem, StringComparison.Ordinal);
        Assert.Contains(what, problem, StringComparison.Ordinal);
        Assert.Equal("", clean);
    }

    [Fact]
    public void LoneSurrogate_Refused()
    {
        // Built here: an attribute argument would store U+FFFD instead (attribute strings are UTF-8).
        foreach (var given in (string[])["a\uD800b", "ab\uDC00", "\uD83D", "\uDE42\uD83D"])
        {
            Assert.Contains("lone surrogate", DisplayText.Check(given, "name", 64, out _), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Length_CountedInCharactersAfterNormalisation()
    {
        // 64 decomposed é are 128 UTF-16 units but 64 characters once composed.
        var decomposed = string.Concat(Enumerable.Repeat("e\u0301", 64));
        Assert.Null(DisplayText.Check(decomposed, "name", 64, out var clean));
        Assert.Equal(64, clean.Length);

        // 64 emoji are 128 UTF-16 units, 64 characters.
        Assert.Null(DisplayText.Check(string.Concat(Enumerable.Repeat("🙂", 64)), "name", 64, out _));

        var problem = DisplayText.Check(new string('x', 65), "name", 64, out _);
        Assert.Equal("name is longer than 64 characters (65)", problem);

        // Spaces around do not count; a huge text is refused before any work.
        Assert.Null(DisplayText.Check(new string(' ', 100) + new string('x', 64) + new string(' ', 100), "name", 64, out _));
        Assert.Equal("name is longer than 64 characters", DisplayText.Check(new string('x', 60_000), "name", 64, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\u3000")] // ideographic space: trimmed away
    public void Empty_RefusedOnlyWhenRequired(string given)
    {
        Assert.Equal("name is required", DisplayText.Check(given, "name", 64, out _, required: true));
        Assert.Null(DisplayText.Check(given, "nickname", 64, out var clean));
        Assert.Equal("", clean);
    }

    [Theory]
    [InlineData("\u0301\u0301")] // only combining marks
    [InlineData(" \u0308 ")]
    public void NothingVisible_Refused(string given) =>
        Assert.Equal("name has nothing visible in it", DisplayText.Check(given, "name", 64, out _));

    [Fact]
    public void ZalgoTower_Refused_ShortStacksAccepted()
    {
        Assert.Null(DisplayText.Check("a\u0301\u0302\u0303\u0304", "name", 64, out _));
        var tower = "x" + string.Concat(Enumerable.Repeat("\u0301", DisplayText.MaxCombiningRun + 1));
        Assert.Equal($"name has more than {DisplayText.MaxCombiningRun} combining marks in a row", DisplayText.Check(tower, "name", 64, out _));
    }

    [Fact]
    public void Multiline_AllowsLineFeeds_CrLfBecomesLf()
    {
        Assert.Null(DisplayText.Check("hi,\r\nI'm bob\n", "message", 256, out var clean, multiline: true));
        Assert.Equal("hi,\nI'm bob", clean);
        Assert.Contains("U+000D", DisplayText.Check("a\rb", "message", 256, out _, multiline: true), StringComparison.Ordinal);
        Assert.Contains("U+202E", DisplayText.Check("hi\n\u202Eevil", "message", 256, out _, multiline: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Profile_StoredNormalised_BadFieldNamed()
    {
        var given = new Profile { Nickname = " Jose\u0301 ", StatusText = "busy\r\nback at 5", AvatarUrl = "https://example.org/a.png" };
        given.Details["city"] = " Lisboa ";
        var clean = SocialLimits.Check(given);
        Assert.Equal("José", clean.Nickname);
        Assert.Equal("busy\nback at 5", clean.StatusText);
        Assert.Equal("Lisboa", clean.Details["city"]);

        Assert.StartsWith("nickname may not contain a bidirectional control character (U+202E)", Refusal(new Profile { Nickname = "\u202Eabc" }), StringComparison.Ordinal);
        Assert.StartsWith("status_text may not contain", Refusal(new Profile { StatusText = "a\u200Bb" }), StringComparison.Ordinal);
        var badKey = new Profile();
        badKey.Details["ci\u202Ety"] = "x";
        Assert.StartsWith("details key 'ciU+202Ety' may not contain", Refusal(badKey), StringComparison.Ordinal);
        var badValue = new Profile();
        badValue.Details["city"] = "\uE000";
        Assert.StartsWith("details value of 'city' may not contain a private-use character", Refusal(badValue), StringComparison.Ordinal);
        var twice = new Profile();
        twice.Details["caf\u00e9"] = "1";
        twice.Details["cafe\u0301"] = "2";
        Assert.Equal("details key 'café' appears twice once normalised", Refusal(twice));
    }

    [Theory]
    [InlineData("javascript:alert(1)", "avatar_url must be an http or https URL, not javascript:")]
    [InlineData("file:///etc/passwd", "avatar_url must be an http or https URL, not file:")]
    [InlineData("data:text/html,hi", "avatar_url must be an http or https URL, not data:")]
    [InlineData("not a url", "avatar_url is not an absolute URL")]
    [InlineData("https://example.org/\u202Egnp.exe", "avatar_url may not contain spaces, control or format characters")]
    public void AvatarUrl_OnlyHttp(string url, string problem) => Assert.Equal(problem, Refusal(new Profile { AvatarUrl = url }));

    [Fact]
    public void FriendRequestMessage_FollowsTheRule()
    {
        Assert.Equal("hello", SocialLimits.RequestMessageOf("  hello "));
        var refused = Assert.Throws<ChatRequestException>(() => SocialLimits.RequestMessageOf("hi \u202Etxt.exe"));
        Assert.Equal(ErrorCode.BadRequest, refused.Code);
        Assert.StartsWith("message may not contain", refused.Message, StringComparison.Ordinal);
    }

    private static string Refusal(Profile profile)
    {
        var refused = Assert.Throws<ChatRequestException>(() => SocialLimits.Check(profile));
        Assert.Equal(ErrorCode.BadRequest, refused.Code);
        return refused.Message;
    }
}
