using Microsoft.Extensions.Options;

namespace ImCells.Master;

/// <summary>Bound from the "Master" configuration section, checked at start.</summary>
internal sealed class MasterOptions
{
    public const string Section = "Master";

    /// <summary>The operator's topology file (switch --topology; default "topology.json"), relative to the working directory.</summary>
    public string Topology { get; set; } = "topology.json";
}

/// <summary>The rules for <see cref="MasterOptions"/>; each failure names the setting as the operator writes it.</summary>
internal sealed class MasterOptionsValidation : IValidateOptions<MasterOptions>
{
    public ValidateOptionsResult Validate(string? name, MasterOptions options)
    {
        var errors = new ValidateOptionsResultBuilder();
        if (string.IsNullOrWhiteSpace(options.Topology))
        {
            errors.AddError($"Master:Topology = '{options.Topology}': must name the topology file");
        }

        return errors.Build();
    }
}
