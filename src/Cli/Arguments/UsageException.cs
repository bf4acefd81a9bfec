namespace K8sWebhookHandler.Cli.Arguments;

/// <summary>The command line is wrong; <see cref="Command"/> is the command whose help would explain it, if known.</summary>
public sealed class UsageException(string message, string? command = null) : Exception(message)
{
    public string? Command { get; } = command;
}
