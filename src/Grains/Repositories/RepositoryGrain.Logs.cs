using K8sWebhookHandler.Abstractions.Inspection;
using Microsoft.Extensions.Logging;

namespace K8sWebhookHandler.Grains.Repositories;

/// <summary>Log messages.</summary>
public sealed partial class RepositoryGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} for {Repository} {Ref} repeats delivery {Original}: answered duplicate")]
    private static partial void LogReplay(ILogger logger, string repository, string @ref, string deliveryId, string original);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery {DeliveryId} of {Repository} {Ref} queued again by an operator (re-run {Rerun})")]
    private static partial void LogRetried(ILogger logger, string repository, string @ref, string deliveryId, int rerun);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Repository} {Ref} delivery {DeliveryId} awaits approval: {Reason}")]
    private static partial void LogAwaitingApproval(ILogger logger, string repository, string @ref, string deliveryId, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Repository} comment delivery {DeliveryId}: {Reason}")]
    private static partial void LogTriggered(ILogger logger, string repository, string deliveryId, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate delivery {DeliveryId} for {Repository}: already seen")]
    private static partial void LogDuplicate(ILogger logger, string repository, string deliveryId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Repository} with {Count} pending delivery(ies)")]
    private static partial void LogResuming(ILogger logger, string repository, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Repository} {Ref} delivery {DeliveryId}: {State} {Reason}")]
    private static partial void LogCompleted(ILogger logger, string repository, string @ref, string deliveryId, DeliveryState state, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing delivery {DeliveryId} of {Repository} failed unexpectedly")]
    private static partial void LogProcessingError(ILogger logger, Exception exception, string repository, string deliveryId);
}
