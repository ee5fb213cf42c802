-- Population at the census reference date per Gemeinde (GEOGM4, PRS018) and, where an answer has one,
-- Land (GEOBL1) of the cooperation's Land, from one load: a publisher's or operator's file before a
-- sample recording, then the latest load (each answer is the whole table: it replaces earlier ones).
with

source as (
    select * from {{ source('zensus2022_bevoelkerung', 'values') }}
),

cooperation as (
    select * from {{ ref('stg_registry__cooperation') }}
),

loads as (
    select * from {{ ref('stg_registry__loads') }}
),

chosen as (
    select source._load_id
    from source
    left join loads on loads.load_id = source._load_id
    group by all
    order by bool_or(not coalesce(loads.is_sample, true)) desc, source._load_id desc
    limit 1
),

latest as (
    select * from source
    where _load_id in (select _load_id from chosen)
),

renamed as (
    select
        region_code as ars,
        coalesce(
            latest.level,
            case latest.region_variable when 'GEOGM4' then 'gemeinde' when 'GEOBL1' then 'land' end
        ) as level,
        region_label as region_name,
        reference_date,
        cast(value as bigint) as population,
        quality_flag,
        _load_id as load_id,
        coalesce(unknown_keys_in_kreis, 0) as unknown_keys_in_kreis,
        coalesce(unknown_keys_in_land, 0) as unknown_keys_in_land,
    from latest
    cross join cooperation
    where latest.region_variable in ('GEOGM4', 'GEOBL1')
        and latest.value_variable_code = 'PRS018'
        and starts_with(latest.region_code, cooperation.land_key)
)

select * from renamed
