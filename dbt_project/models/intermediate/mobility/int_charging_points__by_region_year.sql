-- Charging points in operation at the end of each year (by commissioning date), per region.
-- The current year counts up to the register's release.
with

facilities as (
    select * from {{ ref('int_charging_facilities__located') }}
    where gemeinde_ars is not null
        and coalesce(status, 'In Betrieb') = 'In Betrieb'
),

rollup as (
    select * from {{ ref('int_regions__gemeinde_rollup') }}
),

years as (
    -- up to the year of the release the publisher states (a January release counts that year too)
    select unnest(generate_series(
        2015, (select greatest(max(year(commissioned_on)), coalesce(max(year(release_date)), 0)) from facilities)
    )) as year
),

final as (
    select
        rollup.region_ars,
        years.year,
        sum(facilities.charging_points) as charging_points,
        sum(facilities.charging_points) filter (where facilities.is_fast_charging)
            as fast_charging_points,
        count(*) as facilities,
        sum(facilities.power_kw) as power_kw,
        max(facilities.load_id) as load_id,
    from years
    inner join facilities on year(facilities.commissioned_on) <= years.year
    inner join rollup on rollup.gemeinde_ars = facilities.gemeinde_ars
    group by all
)

select * from final
