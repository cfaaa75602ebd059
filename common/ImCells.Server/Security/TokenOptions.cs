using Microsoft.Extensions.Options;

namespace ImCells.Server.Security;

/// <summary>
/// Bound from the "Token" configuration section by every server that signs or checks tokens (login
/// and cells, which must agree), checked at start.
/// </summary>
public sealed class TokenOptions
{
    public const string Section = "Token";

    /// <summary>The default of <see cref="MaxAgeHours"/>: the login's default token lifetime.</summary>
    public const double DefaultMaxAgeHours = 24;

    /// <summary>
    /// The HMAC key file shared by login and cells (switch --token-key), created 0600 on first use;
    /// a server refuses to start when others may read it. Default data/token.key.
    /// </summary>
    public string KeyFile { get; set; } = "data/token.key";

    /// <summary>
    /// The oldest token any server accepts, counted from its issue time whatever its expiry says,
    /// 1..8760 hours (default 24). Login:TokenLifetimeHours may not exceed it. Also how long a
    /// logout is remembered: a token issued before it is too old by then.
    /// </summary>
    public double MaxAgeHours { get; set; } = DefaultMaxAgeHours;

    public TimeSpan MaxAge => TimeSpan.FromHours(MaxAgeHours);
}

/// <summary>The rules for <see cref="TokenOptions"/>; each failure names the setting as the operator writes it.</summary>
internal sealed class TokenOptionsValidation : IValidateOptions<TokenOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (string.IsNullOrWhiteSpace(options.KeyFile))
        {
            errors.AddError("Token:KeyFile is empty: name the token key file (switch --token-key)");
        }

        if (options.MaxAgeHours is not (>= 1 and <= 8760))
        {
            errors.AddError($"Token:MaxAgeHours = {options.MaxAgeHours}: must be 1..8760");
        }

        return errors.Build();
    }
}
