-- Gate check (issue 24): every daily sensor value lies in its property's plausible range, coverage in 0..1.
select
    d.region_ars,
    d.property_id,
    d.day
from {{ ref('fct_sensor_daily') }} as d
inner join (
    select
        property_id,
        min(plausible_min) as lo,
        max(plausible_max) as hi
    from {{ ref('sensor_properties') }}
    group by property_id
) as p on d.property_id = p.property_id
where
    d.min_value < p.lo
    or d.max_value > p.hi
    or d.coverage_share not between 0 and 1
    or d.n_values < 1
