using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Serverless.Functions.Queues;

/// <summary>
/// The Service Bus trigger, declared here because our package registry serves neither the worker
/// extension (Microsoft.Azure.Functions.Worker.Extensions.ServiceBus) nor its WebJobs counterpart.
/// </summary>
/// <remarks>
/// The Worker SDK names a binding after its attribute class (without "Attribute", first letter
/// lowered), so this one produces <c>serviceBusTrigger</c> bindings with the same properties as the
/// official attribute: <c>queueName</c> or <c>topicName</c>/<c>subscriptionName</c>,
/// <c>connection</c>, <c>isSessionsEnabled</c>, <c>autoCompleteMessages</c> and
/// <c>cardinality</c>. The host runs such a function only when the published app carries the
/// WebJobs Service Bus extension, which the project adds at publish time (IncludeWebJobsServiceBus
/// in the csproj). Bind the message body as <see cref="string"/> or <see cref="byte"/>[]; message
/// properties (MessageId, DeliveryCount…) are in <c>FunctionContext.BindingContext.BindingData</c>.
/// Settlement through <c>ServiceBusMessageActions</c> is not available: messages auto-complete when
/// the function returns and are abandoned (redelivered) when it throws.
/// </remarks>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class ServiceBusTriggerAttribute : TriggerBindingAttribute, ISupportCardinality
{
    private bool _isBatched;

    /// <summary>Triggers on messages of a queue.</summary>
    public ServiceBusTriggerAttribute(string queueName)
    {
        QueueName = queueName;
    }

    /// <summary>Triggers on messages of a topic subscription.</summary>
    public ServiceBusTriggerAttribute(string topicName, string subscriptionName)
    {
        TopicName = topicName;
        SubscriptionName = subscriptionName;
    }

    /// <summary>
    /// The name of the setting, or settings prefix, that holds the connection: a connection string,
    /// or <c>{Connection}__fullyQualifiedNamespace</c> (with <c>__credential</c> and <c>__clientId</c>)
    /// for a managed identity.
    /// </summary>
    public string? Connection { get; set; }

    public string? QueueName { get; }

    public string? TopicName { get; }

    public string? SubscriptionName { get; }

    /// <summary>Whether the entity requires sessions.</summary>
    public bool IsSessionsEnabled { get; set; }

    /// <summary>Whether a function receives a batch of messages (an array) instead of one.</summary>
    [DefaultValue(false)]
    public bool IsBatched
    {
        get => _isBatched;
        set => _isBatched = value;
    }

    /// <summary>Whether the host completes a message when the function returns without an exception.</summary>
    [DefaultValue(true)]
    public bool AutoCompleteMessages { get; set; } = true;

    Cardinality ISupportCardinality.Cardinality
    {
        get => _isBatched ? Cardinality.Many : Cardinality.One;
        set => _isBatched = value == Cardinality.Many;
    }
}
