-- Public charging facilities in Brandenburg, one row per site (natural grain of the charging
-- indicators), with the Gemeinde containing the site.
with

facilities as (
    select * from {{ ref('int_charging_facilities__located') }}
),

regions as (
    select * from {{ ref('int_regions__hierarchy') }}
),

final as (
    select
        facilities.facility_id,
        facilities.operator,
        facilities.status,
        facilities.facility_type,
        facilities.is_fast_charging,
        cast(facilities.charging_points as integer) as charging_points,
        cast(facilities.power_kw as double) as power_kw,
        cast(facilities.commissioned_on as date) as commissioned_on,
        facilities.street,
        facilities.house_number,
        facilities.postcode,
        facilities.city,
        facilities.latitude,
        facilities.longitude,
        facilities.gemeinde_ars as region_ars,
        regions.kreis_ars,
        facilities.load_id as source_load_id,
    from facilities
    inner join regions on regions.ars = facilities.gemeinde_ars
)

select * from final
