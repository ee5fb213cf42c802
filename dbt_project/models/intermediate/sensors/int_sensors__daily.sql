-- Sensor observations per Gemeinde, harmonised property and day (Europe/Berlin): values within the
-- property's plausible range only; coverage = mean share of the day's 24 hours with a value, per Datastream.
with

observations as (
    select
        o.source_id,
        o.datastream_id,
        o.result_number,
        cast(l.region_ars as varchar) as region_ars,  -- a python model's empty column is typed double
        p.property_id,
        p.plausible_min,
        p.plausible_max,
        cast(timezone('Europe/Berlin', o.phenomenon_start) as date) as day,
        hour(timezone('Europe/Berlin', o.phenomenon_start)) as hour_of_day
    from {{ ref('stg_sensors__observations') }} as o
    inner join {{ ref('int_sensors__located') }} as l
        on o.source_id = l.source_id and o.datastream_id = l.datastream_id
    inner join {{ ref('sensor_properties') }} as p
        on starts_with(lower(o.observed_property_name), p.property_pattern)
    where o.result_number is not null and l.region_ars is not null
),

per_datastream as (
    select
        region_ars,
        property_id,
        day,
        datastream_id,
        count(distinct hour_of_day) / 24.0 as coverage,
        count(*) filter (
            where result_number not between plausible_min and plausible_max
        ) as n_implausible
    from observations
    group by all
),

plausible as (
    select * from observations
    where result_number between plausible_min and plausible_max
)

select
    v.region_ars,
    v.property_id,
    v.day,
    avg(v.result_number) as mean_value,
    min(v.result_number) as min_value,
    max(v.result_number) as max_value,
    count(*) as n_values,
    count(distinct v.datastream_id) as n_datastreams,
    any_value(c.coverage_share) as coverage_share,
    any_value(c.n_implausible) as n_implausible
from plausible as v
inner join (
    select
        region_ars,
        property_id,
        day,
        avg(coverage) as coverage_share,
        sum(n_implausible) as n_implausible
    from per_datastream
    group by all
) as c
    on v.region_ars = c.region_ars and v.property_id = c.property_id and v.day = c.day
group by v.region_ars, v.property_id, v.day
