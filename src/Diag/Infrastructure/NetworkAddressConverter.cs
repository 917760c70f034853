using System.Management.Automation;
using Diag.Linux.Output;

namespace Diag.Commands.Infrastructure;

/// <summary>Rebuilds a <see cref="NetworkAddress"/> from what remoting brings back (a property bag with Address), named in
/// module/Diag.Output.types.ps1xml: a remoted address keeps sorting as an address and comparing equal to its text.</summary>
public sealed class NetworkAddressConverter : PSTypeConverter
{
    public override bool CanConvertFrom(object sourceValue, Type destinationType) =>
        destinationType == typeof(NetworkAddress) && Text(sourceValue) is not null;

    public override object ConvertFrom(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        Text(sourceValue) is { } text ? NetworkAddress.Parse(text) : throw new InvalidCastException("not an address: " + sourceValue);

    public override bool CanConvertTo(object sourceValue, Type destinationType) => false;

    public override object ConvertTo(object sourceValue, Type destinationType, IFormatProvider formatProvider, bool ignoreCase) =>
        throw new InvalidCastException();

    private static string? Text(object value) => value switch
    {
        PSObject { BaseObject: string s } => s,
        PSObject bag => bag.Properties["Address"]?.Value as string,
        string s => s,
        _ => null,
    };
}
