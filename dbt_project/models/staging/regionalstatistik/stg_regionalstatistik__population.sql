-- Population on 31 December (12411, BEVSTD, total over sex) per region key of the cooperation's Land as
-- published: Gemeinde AGS (table 12411-01-01-5), Kreis and Land keys (12411-01-01-4 or the higher
-- levels of an area=all answer). One vintage per level and date: of all loads holding that level and
-- date, the one a publisher's or operator's file beats a sample recording with, then the newest release
-- (the answer's own release time, else the fetch time of a live answer; an undated operator file
-- ranks below every dated release), then the newest load. release_rank orders the loads that way.
with

source as (
    select * from {{ source('regionalstatistik_bevoelkerung', 'values') }}
),

loads as (
    select * from {{ ref('stg_registry__loads') }}
),

cooperation as (
    select * from {{ ref('stg_registry__cooperation') }}
),

rows_of_land as (
    select
        source.*,
        -- loads from before levels were kept: the key's length tells the level
        coalesce(
            source.level,
            case length(source.region_code) when 8 then 'gemeinde' when 5 then 'kreis' when 2 then 'land' end
        ) as region_level_ours,
        coalesce(loads.is_sample, true) as is_sample,
        coalesce(
            source.released_at,
            case when loads.origin = 'publisher' then cast(loads.fetched_at as timestamp) end
        ) as released,
    from source
    cross join cooperation
    left join loads on loads.load_id = source._load_id
    where source.value_variable_code = 'BEVSTD'
        and source.variable_2_attribute_code is null
        and starts_with(source.region_code, cooperation.land_key)
        and (source.value is not null or source.quality_flag = '-')
),

ranked as (
    select
        *,
        dense_rank() over (
            order by not is_sample asc, released asc nulls first, _load_id asc
        ) as release_rank,
    from rows_of_land
    where region_level_ours in ('gemeinde', 'kreis', 'land')
        -- Kreis-level parts such as Berlin's Bezirke (8 digits) are no Kreise
        and (region_level_ours <> 'kreis' or length(region_code) = 5)
),

one_vintage as (
    select * from ranked
    qualify release_rank = max(release_rank) over (partition by region_level_ours, reference_date)
),

renamed as (
    select
        region_code as ags,
        region_level_ours as level,
        region_label as region_name,
        reference_date,
        year(reference_date) as year,
        -- loads from before flags were quarantined may hold "-" as NULL: it means 0
        cast(
            coalesce(value, case when quality_flag = '-' then 0 end) as bigint
        ) as population,
        quality_flag,
        _load_id as load_id,
        table_code,
        released,
        release_basis,
        is_sample,
        release_rank,
        coalesce(unknown_keys_in_kreis, 0) as unknown_keys_in_kreis,
        coalesce(unknown_keys_in_land, 0) as unknown_keys_in_land,
    from one_vintage
    -- one row per key: the same answer may not repeat it (quarantined at ingest), a folder of two might
    qualify row_number() over (partition by region_code, reference_date order by _load_id desc) = 1
)

select * from renamed
