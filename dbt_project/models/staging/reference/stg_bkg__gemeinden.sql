{{ stg_bkg_units('gemeinden') }}
