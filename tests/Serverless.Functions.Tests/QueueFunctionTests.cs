using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Serverless.Core.Queues;
using Serverless.Functions.Queues;

namespace Serverless.Functions.Tests;

public sealed class QueueFunctionTests
{
    [Fact]
    public void Reads_message_id_and_delivery_count_in_every_shape_the_host_sends()
    {
        Assert.Equal("abc", ServiceBusBindingData.MessageId(Data(("MessageId", "abc")), "fallback"));
        Assert.Equal("abc", ServiceBusBindingData.MessageId(Data(("MessageId", "\"abc\"")), "fallback"));
        Assert.Equal("abc", ServiceBusBindingData.MessageId(Data(("MessageId", JsonSerializer.SerializeToElement("abc"))), "fallback"));
        Assert.Equal("fallback", ServiceBusBindingData.MessageId(Data(), "fallback"));
        Assert.Equal("fallback", ServiceBusBindingData.MessageId(Data(("MessageId", null)), "fallback"));

        Assert.Equal(3, ServiceBusBindingData.DeliveryCount(Data(("DeliveryCount", 3))));
        Assert.Equal(3, ServiceBusBindingData.DeliveryCount(Data(("DeliveryCount", 3L))));
        Assert.Equal(3, ServiceBusBindingData.DeliveryCount(Data(("DeliveryCount", "3"))));
        Assert.Equal(3, ServiceBusBindingData.DeliveryCount(Data(("DeliveryCount", JsonSerializer.SerializeToElement(3)))));
        Assert.Equal(1, ServiceBusBindingData.DeliveryCount(Data()));
        Assert.Equal(1, ServiceBusBindingData.DeliveryCount(Data(("DeliveryCount", "x"))));
        Assert.Equal(1, ServiceBusBindingData.DeliveryCount(Data(("DeliveryCount", 0))));
    }

    [Fact]
    public void Every_queue_function_is_named_after_its_queue_and_uses_the_ServiceBusConnection_setting()
    {
        var methods = typeof(QueueFunctions).GetMethods()
            .Select(m => (Method: m, Function: m.GetCustomAttributes(typeof(Microsoft.Azure.Functions.Worker.FunctionAttribute), false).Cast<Microsoft.Azure.Functions.Worker.FunctionAttribute>().SingleOrDefault()))
            .Where(x => x.Function is not null)
            .ToList();
        Assert.Equal(QueueNames.All.Count, methods.Count);
        foreach (var (method, function) in methods)
        {
            var trigger = method.GetParameters()
                .Select(p => p.GetCustomAttributes(typeof(ServiceBusTriggerAttribute), false).Cast<ServiceBusTriggerAttribute>().SingleOrDefault())
                .Single(a => a is not null)!;
            Assert.Equal(trigger.QueueName, function!.Name.ToLowerInvariant());
            Assert.Equal("ServiceBusConnection", trigger.Connection);
            Assert.False(trigger.IsBatched);
            Assert.True(trigger.AutoCompleteMessages);
        }
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData("", "", false)]
    [InlineData("Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=a;SharedAccessKey=b", null, true)]
    [InlineData(null, "x.servicebus.windows.net", true)]
    public void Service_bus_is_configured_by_a_connection_string_or_a_namespace(string? connectionString, string? fullyQualifiedNamespace, bool expected)
    {
        var values = new Dictionary<string, string?>();
        if (connectionString is not null)
        {
            values["ServiceBusConnection"] = connectionString;
        }

        if (fullyQualifiedNamespace is not null)
        {
            // As the environment variable ServiceBusConnection__fullyQualifiedNamespace arrives.
            values["ServiceBusConnection:fullyQualifiedNamespace"] = fullyQualifiedNamespace;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        Assert.Equal(expected, Adapters.ServiceBusConfigured(configuration));
    }

    [Fact]
    public void The_infrastructure_creates_one_queue_per_queue_name()
    {
        var bicep = File.ReadAllText(Path.Combine(Paths.RepositoryRoot, "infra", "main.bicep"));
        var start = bicep.IndexOf("var queueNames = [", StringComparison.Ordinal);
        Assert.True(start >= 0, "infra/main.bicep declares var queueNames");
        var end = bicep.IndexOf(']', start);
        var declared = bicep[start..end].Split('\n').Skip(1)
            .Select(line => line.Trim().Trim('\''))
            .Where(line => line.Length > 0)
            .Order(StringComparer.Ordinal);
        Assert.Equal(QueueNames.All.Order(StringComparer.Ordinal), declared);
    }

    private static Dictionary<string, object?> Data(params (string Key, object? Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value);
}
