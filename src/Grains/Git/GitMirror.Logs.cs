using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Grains.Git;

/// <summary>What the mirror logs.</summary>
public sealed partial class GitMirror
{
    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Debug, Message = "git fetch of {Repository} was interrupted by a signal (attempt {Attempt}); fetching again")]
    private static partial void LogFetchInterrupted(ILogger logger, string repository, int attempt);

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "git fetch of {Repository} failed: {Error}")]
    private static partial void LogFetchFailed(ILogger logger, string repository, string error);

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "The git server refused {Credential} for {Repository}; fetching once more with a new one")]
    private static partial void LogCredentialRefused(ILogger logger, string repository, string credential);

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Debug, Message = "Consolidated the smaller packs of the mirror of {Repository}")]
    private static partial void LogPacksConsolidated(ILogger logger, string repository);

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "The packs of the mirror of {Repository} were left as they are: {Error}")]
    private static partial void LogPacksNotConsolidated(ILogger logger, string repository, string error);

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "Removed {LockFile} from the mirror of {Repository}: a process that stopped while writing it left it behind")]
    private static partial void LogStaleLockRemoved(ILogger logger, string repository, string lockFile);

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "Stopped waiting for git fetch of {Repository} from {Remote}; the mirror stays locked until libgit2 returns")]
    private static partial void LogAbandoned(ILogger logger, string repository, string remote);

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "libgit2's socket timeouts are not set ({Problem}); only the fetch deadline bounds a stalled server")]
    private static partial void LogNoSocketTimeouts(ILogger logger, string problem);
}
