using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Grains.Storage;

/// <summary>Refuses an empty data directory.</summary>
public sealed class DataDirectoryOptionsValidator : IValidateOptions<DataDirectoryOptions>
{
    public ValidateOptionsResult Validate(string? name, DataDirectoryOptions options) =>
        string.IsNullOrWhiteSpace(options.DataDirectory)
            ? ValidateOptionsResult.Fail("Handler:DataDirectory is empty: set it to a writable directory for state and git mirrors.")
            : ValidateOptionsResult.Success;
}
