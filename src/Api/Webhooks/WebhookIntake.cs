using System.Text;
using System.Web;
using K8sWebhookHandler.Grains;
using K8sWebhookHandler.Grains.Configuration;
using K8sWebhookHandler.Grains.Events;
using K8sWebhookHandler.Grains.Identity;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace K8sWebhookHandler.Api.Webhooks;

/// <summary>The answer to GitHub: the delivery and what became of it at intake.</summary>
public sealed record WebhookAnswer(string DeliveryId, string Status);

/// <summary>A refusal: status code and a short reason, never a stack trace.</summary>
public sealed record WebhookError(string Error);

/// <summary>
/// Intake: cap the body, check the headers and the signature over the raw bytes, parse what is needed, and
/// hand the event to the repository's grain. The answer comes only after the grain has stored the event;
/// no git or Kubernetes I/O happens here.
/// </summary>
public sealed partial class WebhookIntake(
    SignatureVerifier signatures, IGrainFactory grains, IOptions<HandlerOptions> options, TimeProvider time, ILogger<WebhookIntake> logger)
{
    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var max = options.Value.MaxBodyBytes;
        if (request.ContentLength > max)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, $"body larger than {max} bytes");
        }

        var eventType = request.Headers["X-GitHub-Event"].ToString();
        var deliveryHeader = request.Headers["X-GitHub-Delivery"].ToString();
        if (eventType.Length == 0)
        {
            return Refuse(StatusCodes.Status400BadRequest, "missing X-GitHub-Event");
        }

        if (!DeliveryId.TryParse(deliveryHeader, out var delivery))
        {
            return Refuse(StatusCodes.Status400BadRequest, "missing or malformed X-GitHub-Delivery");
        }

        var body = await ReadBodyAsync(context, max);
        if (body is null)
        {
            return Refuse(StatusCodes.Status413PayloadTooLarge, $"body larger than {max} bytes");
        }

        if (signatures.Check(body, request.Headers[SignatureVerifier.Sha256Header], request.Headers[SignatureVerifier.Sha1Header]) is { } why)
        {
            LogBadSignature(logger, delivery.Value, why);
            return Refuse(StatusCodes.Status401Unauthorized, why);
        }

        WebhookEvent? webhookEvent;
        try
        {
            webhookEvent = WebhookParser.Parse(eventType, delivery, PayloadJson(request.ContentType, body), time.GetUtcNow());
        }
        catch (WebhookPayloadException e)
        {
            return Refuse(StatusCodes.Status400BadRequest, e.Message);
        }

        if (webhookEvent is null)
        {
            return TypedResults.Accepted((string?)null, new WebhookAnswer(delivery.Value, "ignored"));
        }

        var key = RepositoryKey.Parse(webhookEvent.Repository.FullName);
        var status = await grains.GetGrain<IRepositoryGrain>(key.Value).Enqueue(webhookEvent);
        LogAccepted(logger, key.Value, webhookEvent.Ref, delivery.Value, eventType, status);
        return TypedResults.Accepted((string?)null, new WebhookAnswer(delivery.Value, status.ToString().ToLowerInvariant()));
    }

    private static IResult Refuse(int status, string reason) => TypedResults.Json(new WebhookError(reason), statusCode: status);

    /// <summary>The raw body, or null when it is over the cap (whatever Content-Length claimed).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context, long max)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>GitHub sends JSON either as the body or, for form-encoded hooks, as the <c>payload</c> field.</summary>
    private static ReadOnlyMemory<byte> PayloadJson(string? contentType, byte[] body)
    {
        if (contentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            var form = HttpUtility.ParseQueryString(Encoding.UTF8.GetString(body));
            return Encoding.UTF8.GetBytes(form["payload"] ?? throw new WebhookPayloadException("form body without a payload field"));
        }

        return body;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused delivery {DeliveryId}: {Reason}")]
    private static partial void LogBadSignature(ILogger logger, string deliveryId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{EventType} for {Repository} {Ref} delivery {DeliveryId}: {Status}")]
    private static partial void LogAccepted(ILogger logger, string repository, string @ref, string deliveryId, string eventType, DeliveryStatus status);
}
