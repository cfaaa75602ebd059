using ImCells.Server.Security;
using Microsoft.Extensions.Options;

namespace ImCells.Login;

/// <summary>
/// Login:TokenLifetimeHours may not exceed Token:MaxAgeHours: every server refuses a token older
/// than that, so a longer lifetime would hand out tokens that stop working before they expire.
/// </summary>
internal sealed class TokenLifetimeValidation(IOptions<TokenOptions> tokens) : IValidateOptions<LoginOptions>
{
    public ValidateOptionsResult Validate(string? name, LoginOptions options)
    {
        double maxAgeHours;
        try
        {
            maxAgeHours = tokens.Value.MaxAgeHours;
        }
        catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
        {
            // A bad Token setting is reported by its own validation.
            return ValidateOptionsResult.Skip;
        }

        return options.TokenLifetimeHours > maxAgeHours
            ? ValidateOptionsResult.Fail(
                $"Login:TokenLifetimeHours = {options.TokenLifetimeHours}: must not exceed Token:MaxAgeHours ({maxAgeHours}), "
                + "the oldest token any server accepts; raise Token:MaxAgeHours on every server first")
            : ValidateOptionsResult.Success;
    }
}
