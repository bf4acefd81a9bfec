using System.Diagnostics;
using K8sWebhookHandler.Abstractions;
using K8sWebhookHandler.Abstractions.Diagnostics;
using K8sWebhookHandler.Abstractions.Events;
using K8sWebhookHandler.Abstractions.Identity;
using K8sWebhookHandler.Grains.Telemetry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>The answer to GitHub: the delivery and what became of it at intake.</summary>
public sealed record WebhookAnswer(string DeliveryId, string Status);

/// <summary>A refusal: status code and a short reason, never a stack trace.</summary>
public sealed record WebhookError(string Error);

/// <summary>
/// Intake: check the headers, then read the body once, hashing it as it arrives and spooling it (memory up to
/// <see cref="SpooledBody.MemoryBytes"/>, a temporary file beyond), parse it only once the signature matched,
/// and hand the event to the repository's grain. The answer comes only after the grain has stored the event;
/// no git or Kubernetes I/O happens here.
/// </summary>
public sealed partial class WebhookIntake(
    SignatureVerifier signatures, IGrainFactory grains, HookLearner hooks, IOptions<WebhookOptions> options, TimeProvider time, HandlerMetrics metrics,
    ILogger<WebhookIntake> logger)
{
    /// <summary>
    /// Answers one webhook request inside a <see cref="HandlerActivities.Receive"/> span that the delivery's trace starts
    /// from, and records how long the answer took (<see cref="HandlerMetrics.Acknowledged"/>).
    /// </summary>
    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        var status = StatusCodes.Status500InternalServerError;

        // The delivery's trace starts here, or continues the sender's traceparent: ASP.NET's own request activity is
        // recorded only when its source is exported, which this handler does not do (every probe would be a trace).
        Activity.Current = null;
        using var activity = HandlerActivities.Source.StartActivity(HandlerActivities.Receive, ActivityKind.Server, SenderContext(context.Request));

        // Without a valid X-GitHub-Event header the event is recorded as "other".
        var eventType = default(EventType);
        try
        {
            var answer = CheckHeaders(context.Request, options.Value.MaxBodyBytes, out eventType, out var delivery)
                ?? await AnswerAsync(context, eventType, delivery);
            status = answer is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
            activity?.SetTag(HandlerActivities.StatusCodeTag, status);
            return answer;
        }
        catch (Exception e) when (Hosting.ApiApplication.IsUnavailable(e))
        {
            // Answered by the error handler as the cluster being away, not as a fault of the handler's.
            status = StatusCodes.Status503ServiceUnavailable;
            throw;
        }
        finally
        {
            metrics.Acknowledged(eventType.Kind, status, time.GetElapsedTime(started));
        }
    }

    /// <summary>The answer once the headers passed: the signature, the body, and the hand-off to the repository's grain.</summary>
    private async Task<IResult> AnswerAsync(HttpContext context, EventType eventType, DeliveryId delivery)
    {
        var request = context.Request;
        var max = options.Value.MaxBodyBytes;
        Activity.Current?.SetTag(HandlerActivities.DeliveryTag, delivery.Value).SetTag(HandlerActivities.EventTag, eventType.Name);

        using var signature = signatures.Begin(request.Headers[SignatureVerifier.Sha256Header], request.Headers[SignatureVerifier.Sha1Header]);
        if (signature.Refusal is { } refused)
        {
            return Unauthorized(delivery, refused);
        }

        var (body, unread) = await ReadBodyAsync(context, max, signature);
        await using (body)
        {
            if (body is null)
            {
                return unread!;
            }

            return signature.Finish() is { } mismatch
                ? Unauthorized(delivery, mismatch)
                : await EnqueueAsync(eventType, delivery, request, body);
        }
    }

    /// <summary>The sender's trace, when the request carries a W3C <c>traceparent</c>; otherwise none (a new trace).</summary>
    private static ActivityContext SenderContext(HttpRequest request) =>
        ActivityContext.TryParse(request.Headers.TraceParent, request.Headers.TraceState, isRemote: true, out var sender) ? sender : default;

    /// <summary>What the headers alone decide, before any of the body is read: its declared size, the event and the delivery id.</summary>
    private static IResult? CheckHeaders(HttpRequest request, long max, out EventType eventType, out DeliveryId delivery)
    {
        var eventName = request.Headers["X-GitHub-Event"].ToString();
        var typed = EventType.TryParse(eventName, out eventType);
        var named = DeliveryId.TryParse(request.Headers["X-GitHub-Delivery"].ToString(), out delivery);
        return request.ContentLength > max ? TooLarge(max)
            : eventName.Length == 0 ? Refuse(StatusCodes.Status400BadRequest, "missing X-GitHub-Event")
            : !typed ? Refuse(StatusCodes.Status400BadRequest, WebhookParser.EventTypeRule)
            : !named ? Refuse(StatusCodes.Status400BadRequest, "missing or malformed X-GitHub-Delivery")
            : null;
    }

    private async Task<IResult> EnqueueAsync(EventType eventType, DeliveryId delivery, HttpRequest request, SpooledBody body)
    {
        WebhookEvent? webhookEvent;
        try
        {
            webhookEvent = await WebhookParser.ParseAsync(eventType, delivery, PayloadJson(request.ContentType, body), time.GetUtcNow(), request.HttpContext.RequestAborted);
        }
        catch (WebhookPayloadException e)
        {
            return Refuse(StatusCodes.Status400BadRequest, e.Message);
        }

        if (webhookEvent is null)
        {
            Activity.Current.Outcome(Answer(DeliveryStatus.Ignored));
            return TypedResults.Accepted((string?)null, new WebhookAnswer(delivery.Value, Answer(DeliveryStatus.Ignored)));
        }

        var key = webhookEvent.Repository.Key;
        using var scope = logger.BeginDeliveryScope(delivery.Value, key.Value);
        Activity.Current?.SetTag(HandlerActivities.RepositoryTag, key.Value).SetTag(HandlerActivities.RefTag, webhookEvent.Ref.Value);
        var status = await grains.GetGrain<IRepositoryGrain>(key.Value).Enqueue(webhookEvent);
        LogAccepted(logger, key.Value, webhookEvent.Ref.Value, delivery.Value, eventType.Name, status);
        hooks.Learn(request.Headers, webhookEvent, status);
        Activity.Current.Outcome(Answer(status));
        return TypedResults.Accepted((string?)null, new WebhookAnswer(delivery.Value, Answer(status)));
    }

    /// <summary>The status as the answer spells it, in kebab case: <c>queued</c>, <c>duplicate</c>, <c>ignored</c>, <c>awaiting-approval</c>.</summary>
    public static string Answer(DeliveryStatus status) => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString());

    private static IResult Refuse(int status, string reason)
    {
        Activity.Current.Outcome("refused")?.SetStatus(ActivityStatusCode.Error, reason);
        return TypedResults.Json(new WebhookError(reason), statusCode: status);
    }

    private static IResult TooLarge(long max) => Refuse(StatusCodes.Status413PayloadTooLarge, $"body larger than {max} bytes");

    private IResult Unauthorized(DeliveryId delivery, string reason)
    {
        LogRefused(logger, delivery.Value, reason);
        return Refuse(StatusCodes.Status401Unauthorized, reason);
    }

    /// <summary>The body, hashed and spooled; or, when it is over the cap or cannot be read to its end, the answer instead.</summary>
    private static async Task<(SpooledBody? Body, IResult? Unread)> ReadBodyAsync(HttpContext context, long max, SignatureCheck signature)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            // The cap is counted here, so that a chunked body over it is answered 413 like one that declared its length.
            limit.MaxRequestBodySize = null;
        }

        try
        {
            var body = await SpooledBody.ReadAsync(context.Request.BodyReader, max, signature, Path.GetTempPath(), context.RequestAborted);
            return (body, body is null ? TooLarge(max) : null);
        }
        catch (BadHttpRequestException e)
        {
            return (null, Refuse(e.StatusCode, "the body could not be read to its end"));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The sender went away; there is nobody to answer.
            return (null, Results.Empty);
        }
    }

    /// <summary>GitHub sends JSON either as the body or, for form-encoded hooks, as the <c>payload</c> field.</summary>
    private static Stream PayloadJson(string? contentType, SpooledBody body) =>
        contentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true
            ? new FormPayloadStream(body.Content)
            : body.Content;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused delivery {DeliveryId}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string deliveryId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{EventType} for {Repository} {Ref} delivery {DeliveryId}: {Status}")]
    private static partial void LogAccepted(ILogger logger, string repository, string @ref, string deliveryId, string eventType, DeliveryStatus status);
}
