using System.Management.Automation;
using Diag.Linux.Output;

namespace Diag.Commands.Infrastructure;

/// <summary>
/// Turns a deserialized address (a property bag with Address and Family, as Start-Job and Invoke-Command bring it
/// back) into a <see cref="NetworkAddress"/> again; named by Diag.Output.types.ps1xml as the type's converter, which
/// PowerShell's deserializer uses for types marked with TargetTypeForDeserialization.
/// </summary>
public sealed class NetworkAddressRehydration : PSTypeConverter
{
    public override bool CanConvertFrom(object sourceValue, Type destinationType) =>
        destinationType == typeof(NetworkAddress) && AddressOf(sourceValue) is not null;

    public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        AddressOf(sourceValue) is { } text ? NetworkAddress.Parse(text) : throw new InvalidCastException("not a deserialized NetworkAddress");

    public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

    public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        throw new InvalidCastException();

    private static string? AddressOf(object? value) =>
        value is PSObject bag && bag.Properties["Address"]?.Value is string text && System.Net.IPAddress.TryParse(text, out _) ? text : null;
}
