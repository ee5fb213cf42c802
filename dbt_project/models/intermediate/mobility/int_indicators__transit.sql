-- Public transport per region: stations (stops without a parent station) and scheduled
-- departures on the Tuesday of the timetable's reference week, also per 1,000 inhabitants of
-- the same year and territory. Stops are placed by their coordinates (point in polygon).
-- A table, not a view: a build that does not touch this domain's sources reads it instead of
-- recomputing it from the raw data (see regiohub.build.incremental).
{{ config(materialized='table') }}

with

stops as (
    select * from {{ ref('int_transit_stops__located') }}
),

departures as (
    select * from {{ ref('int_transit_departures__by_stop_day') }}
),

rollup as (
    select * from {{ ref('int_regions__gemeinde_rollup') }}
),

population as (
    select * from {{ ref('int_population__by_region_year') }}
),

reference_day as (
    select min(day) filter (where isodow(day) = 2) as day, from departures
),

stations as (
    select rollup.region_ars, count(*) as stations, max(stops.load_id) as load_id,
    from stops
    inner join rollup on rollup.gemeinde_ars = stops.gemeinde_ars
    where stops.location_type = 1
        or (stops.location_type = 0 and stops.parent_station is null)
    group by all
),

departures_on_day as (
    select rollup.region_ars, sum(departures.departures) as departures,
    from departures
    inner join stops using (stop_id)
    inner join rollup on rollup.gemeinde_ars = stops.gemeinde_ars
    where departures.day = (select day from reference_day)
    group by all
),

joined as (
    select
        stations.region_ars,
        (select day from reference_day) as day,
        stations.stations,
        coalesce(departures_on_day.departures, 0) as departures,
        population.population,
        list_concat([stations.load_id], coalesce(population.load_ids, [population.load_id])) as load_ids,
    from stations
    left join departures_on_day using (region_ars)
    left join population
        on population.region_ars = stations.region_ars
        and year((select day from reference_day))
            between population.from_year and population.to_year
),

measures as (
    select
        region_ars,
        day,
        unnest([
            'haltestellen', 'abfahrten_werktag', 'abfahrten_werktag_je_1000_ew'
        ]) as indicator_id,
        unnest([stations, departures, departures]) as numerator,
        unnest([null, null, population]) as denominator,
        load_ids,
    from joined
),

final as (
    select
        region_ars,
        indicator_id,
        strftime(day, '%Y-%m-%d') as period,
        day as period_start,
        day as period_end,
        cast(numerator as double) as numerator,
        cast(denominator as double) as denominator,
        case
            when indicator_id = 'abfahrten_werktag_je_1000_ew'
                then round(numerator / denominator * 1000, 1)
            else cast(numerator as double)
        end as value,
        list_filter(load_ids, lambda x: x is not null) as source_load_ids,
    from measures
    where day is not null
        and (indicator_id <> 'abfahrten_werktag_je_1000_ew' or denominator > 0)
)

select * from final
