-- Harmonised sensor series (issue 24): soil moisture and charging-point occupancy per Gemeinde and day.
select
    d.region_ars,
    p.property_name,
    d.property_id,
    p.unit,
    d.day,
    round(d.mean_value, 3) as mean_value,
    d.min_value,
    d.max_value,
    d.n_values,
    d.n_datastreams,
    round(d.coverage_share, 3) as coverage_share,
    d.n_implausible
from {{ ref('int_sensors__daily') }} as d
inner join (
    select distinct
        property_id,
        property_name,
        unit
    from {{ ref('sensor_properties') }}
) as p on d.property_id = p.property_id
